"""Capability profile, evidence records, assessments, peer comparison and open data."""

from __future__ import annotations

import logging

from flask import Blueprint

from .frameworks import FrameworkError

log = logging.getLogger(__name__)

bp = Blueprint("evidence", __name__)


@bp.errorhandler(FrameworkError)
def broken_data_file(exc):
    """An installation's frameworks or mapping file that cannot be used: say which and how to fix it
    (to signed-in staff; the public open data pages only say that something is wrong)."""
    from flask_login import current_user

    from ..errors import _page
    from ..extensions import db

    db.session.rollback()
    log.error("evidence data file: %s", exc)
    hint = str(exc) if getattr(current_user, "is_authenticated", False) else None
    return _page(500, "The capability frameworks of this installation cannot be read", hint)


from . import (  # noqa: E402,F401  (pages on this blueprint)
    assessment_views,
    peer_views,
    profile_views,
    record_views,
    sharing_views,
)
