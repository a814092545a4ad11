"""Installation pages for site administrators: the outbox and the audit log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from . import outbox
from .access import access
from .audit import AuditEvent
from .extensions import db
from .forms import ConfirmForm

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE = 50


@bp.route("/outbox")
@access("system.outbox")
def outbox_list():
    status = request.args.get("status") or None
    query = select(outbox.OutboxMessage).order_by(outbox.OutboxMessage.id.desc())
    if status:
        query = query.where(outbox.OutboxMessage.status == status)
    page = max(1, request.args.get("page", 1, type=int))
    messages = db.session.scalars(query.offset((page - 1) * PAGE).limit(PAGE)).all()
    counts = dict(db.session.execute(
        select(outbox.OutboxMessage.status, func.count()).group_by(outbox.OutboxMessage.status)
    ).all())
    return render_template("admin/outbox.html", messages=messages, counts=counts, status=status,
                           page=page, page_size=PAGE, form=ConfirmForm(),
                           mail_configured=outbox.mail_configured())


@bp.route("/outbox/<int:message_id>")
@access("system.outbox")
def outbox_message(message_id: int):
    message = db.session.get(outbox.OutboxMessage, message_id) or abort(404)
    return render_template("admin/outbox_message.html", message=message)


@bp.route("/outbox/deliver", methods=["POST"])
@access("system.outbox")
def outbox_deliver():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    job = outbox.kick()
    if job is None:
        flash("No mail server is configured (MAIL_SERVER), so messages stay in the outbox.", "warning")
        return redirect(url_for("admin.outbox_list"))
    return redirect(url_for("jobs.status", job_id=job.id))


@bp.route("/audit")
@access("system.audit")
def audit_log():
    page = max(1, request.args.get("page", 1, type=int))
    events = db.session.scalars(
        select(AuditEvent).order_by(AuditEvent.at.desc()).offset((page - 1) * PAGE).limit(PAGE)
    ).all()
    return render_template("admin/audit.html", events=events, page=page, page_size=PAGE,
                           user=current_user)
