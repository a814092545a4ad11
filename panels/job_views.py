"""The job page: live progress (a polled fragment, or a refresh with JavaScript off)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from . import jobs
from .access import access, can
from .extensions import db

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


def _visible_job(job_id: str) -> jobs.Job:
    jobs.reap_stale()
    job = db.session.get(jobs.Job, job_id) or abort(404)
    if job.panel is not None:
        allowed = can(current_user, "panel.view", panel=job.panel)
    else:
        allowed = current_user.site_admin or job.created_by_id == current_user.id
    if not allowed:
        abort(403)
    return job


@bp.route("/<job_id>")
@access("login")
def status(job_id: str):
    return render_template("jobs/status.html", job=_visible_job(job_id))


@bp.route("/<job_id>/fragment")
@access("login")
def fragment(job_id: str):
    return render_template("jobs/_progress.html", job=_visible_job(job_id))
