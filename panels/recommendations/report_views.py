"""The final report: review by members, PDF and public page."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("final_report", __name__)
