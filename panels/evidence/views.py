"""Capability profile, evidence records, assessments, peer comparison and open data."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("evidence", __name__)

from . import assessment_views, peer_views, profile_views, record_views  # noqa: E402,F401  (pages on this blueprint)
