"""The government's response, the commitment clock and implementation."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("government", __name__)
