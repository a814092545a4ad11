"""Drafting, versions, comments and amendments."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("recommendations", __name__)
