"""Account changes: passwords, resets, invitations and roles. Each re-checks permission."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, render_template
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from .. import audit, outbox
from ..access import require
from ..db import utcnow
from ..extensions import db
from ..roles import ORGANISATION_ROLES, PANEL_ROLES, Role
from ..urls import external_url
from .models import Invitation, Membership, Organisation, User

MIN_PASSWORD = 10


class AccountError(ValueError):
    """A problem the person can fix, with the message to show them."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    user = find_user(email)
    if user is None or not user.active or not user.check_password(password):
        return None
    user.last_login_at = utcnow()
    audit.record("user.login", user, actor=user)
    db.session.commit()
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise AccountError("Your current password is not right.")
    user.set_password(new)
    audit.record("user.password_changed", user, actor=user)
    db.session.commit()


# Password reset: a signed, timed token that stops working once the password changes.

def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _password_fingerprint(user: User) -> str:
    return hashlib.sha256((user.password_hash or "unset").encode()).hexdigest()[:16]


def send_password_reset(email: str) -> None:
    """Queue a reset email if the address is known; say nothing either way (no enumeration)."""
    user = find_user(email)
    if user is None or not user.active:
        return
    token = _reset_serializer().dumps({"uid": user.id, "fp": _password_fingerprint(user)})
    link = external_url("accounts.reset_password", token=token)
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    context = {"user": user, "link": link, "minutes": minutes}
    outbox.queue(
        user.email,
        "Reset your password",
        render_template("email/password_reset.txt", **context),
        render_template("email/password_reset.html", **context),
        related=user,
    )
    audit.record("user.password_reset_requested", user)
    db.session.commit()


def user_for_reset_token(token: str) -> User:
    try:
        data = _reset_serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except SignatureExpired as exc:
        raise AccountError("This reset link has expired. Ask for a new one.") from exc
    except BadSignature as exc:
        raise AccountError("This reset link is not valid. Ask for a new one.") from exc
    user = db.session.get(User, data.get("uid"))
    if user is None or _password_fingerprint(user) != data.get("fp"):
        raise AccountError("This reset link has already been used. Ask for a new one.")
    return user


def reset_password(token: str, new: str) -> User:
    user = user_for_reset_token(token)
    user.set_password(new)
    audit.record("user.password_reset", user, actor=user)
    db.session.commit()
    return user


# Invitations: a random token emailed once; only its hash is stored.

def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(actor: User, email: str, role: str, *, organisation: Organisation, panel=None,
           message: str | None = None) -> Invitation:
    if panel is not None:
        require(actor, "panel.invite", panel=panel)
        allowed = PANEL_ROLES
    else:
        require(actor, "organisation.invite", organisation=organisation)
        allowed = ORGANISATION_ROLES
    if Role(role) not in allowed:
        raise AccountError(f"The role “{role}” cannot be given here.")
    if Role(role) == Role.ADMIN:
        require(actor, "organisation.manage", organisation=organisation)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=normalise_email(email),
        organisation=organisation,
        panel=panel,
        role=role,
        token_hash=_hash(token),
        invited_by=actor,
        message=message,
        expires_at=utcnow() + timedelta(days=current_app.config["INVITATION_MAX_AGE_DAYS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    link = external_url("accounts.accept_invitation", token=token)
    context = {"invitation": invitation, "link": link, "actor": actor}
    outbox.queue(
        invitation.email,
        f"You are invited to {panel.title if panel else organisation.name}",
        render_template("email/invitation.txt", **context),
        render_template("email/invitation.html", **context),
        related=invitation,
        panel=panel,
    )
    audit.record("invitation.sent", invitation, actor=actor, panel=panel,
                 organisation=organisation, role=role)
    db.session.commit()
    return invitation


def invite_member(email: str, panel, *, language: str = "en") -> Invitation | None:
    """System-sent (no actor): invite a confirmed panel member to an account, role member on the panel.

    Adds to the caller's transaction (the caller commits). Returns None when the address already
    holds the role on this panel or has an invitation to it that is still open.
    """
    email = normalise_email(email)
    user = find_user(email)
    if user is not None and any(m.panel_id == panel.id and m.role == Role.MEMBER.value for m in user.memberships):
        return None
    if db.session.scalar(select(Invitation.id).where(
            Invitation.email == email, Invitation.panel_id == panel.id, Invitation.role == Role.MEMBER.value,
            Invitation.accepted_at.is_(None), Invitation.expires_at > utcnow())):
        return None
    token = secrets.token_urlsafe(32)
    days = current_app.config["INVITATION_MAX_AGE_DAYS"]
    invitation = Invitation(email=email, organisation_id=panel.organisation_id, panel_id=panel.id,
                            role=Role.MEMBER.value, token_hash=_hash(token), invited_by_id=None,
                            expires_at=utcnow() + timedelta(days=days))
    db.session.add(invitation)
    db.session.flush()
    suffix = "_es" if language == "es" else ""
    context = {"panel": panel, "link": external_url("accounts.accept_invitation", token=token), "days": days}
    outbox.queue(email, ("Cree su cuenta: " if language == "es" else "Create your account: ") + panel.title,
                 render_template(f"email/confirmation_account{suffix}.txt", **context),
                 render_template(f"email/confirmation_account{suffix}.html", **context),
                 related=invitation, panel=panel)
    audit.record("invitation.sent", invitation, panel=panel, organisation=panel.organisation,
                 role=Role.MEMBER.value, via="system")
    return invitation


def open_invitation(token: str) -> Invitation:
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == _hash(token)))
    if invitation is None:
        raise AccountError("This invitation link is not valid. Ask the organiser for a new one.")
    if invitation.accepted_at is not None:
        raise AccountError("This invitation has already been accepted. Log in instead.")
    if invitation.expires_at < utcnow():
        raise AccountError("This invitation has expired. Ask the organiser for a new one.")
    return invitation


def accept_invitation(token: str, *, name: str | None, password: str | None) -> User:
    """Give the invited role, creating the account if the email address has none."""
    invitation = open_invitation(token)
    user = find_user(invitation.email)
    if user is None:
        if not name or not password:
            raise AccountError("Give your name and choose a password to create your account.")
        user = User(email=invitation.email, name=name.strip())
        user.set_password(password)
        db.session.add(user)
    grant(user, invitation.role, organisation=invitation.organisation, panel=invitation.panel)
    invitation.accepted_at = utcnow()
    audit.record("invitation.accepted", invitation, actor=user, panel=invitation.panel,
                 organisation=invitation.organisation, role=invitation.role)
    db.session.commit()
    return user


def grant(user: User, role: str, *, organisation: Organisation, panel=None) -> Membership:
    """Add a membership (idempotent). Callers have checked permission."""
    existing = db.session.scalar(
        select(Membership).filter_by(
            user_id=user.id, organisation_id=organisation.id,
            panel_id=getattr(panel, "id", None), role=role,
        )
    ) if user.id else None
    if existing is not None:
        return existing
    membership = Membership(user=user, organisation=organisation, panel=panel, role=role)
    db.session.add(membership)
    audit.record("membership.granted", user, panel=panel, organisation=organisation, role=role)
    return membership
