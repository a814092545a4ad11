"""Rulebooks, voting rounds, support and minority reports."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("votes", __name__)
