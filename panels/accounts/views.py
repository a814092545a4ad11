"""Login, logout, passwords, invitations."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from ..access import access
from ..extensions import db, limiter, login_manager
from . import services
from .forms import (
    AcceptInvitationForm,
    ForgotPasswordForm,
    InviteForm,
    LoginForm,
    PasswordChangeForm,
    ResetPasswordForm,
)
from .models import User

bp = Blueprint("accounts", __name__)


@login_manager.user_loader
def _load_user(user_id: str):
    return db.session.get(User, int(user_id))


def _safe_next(target: str | None) -> str:
    """Only local paths, so a crafted link cannot send someone to another site after login."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
@access("public")
@limiter.limit("10 per minute; 50 per hour", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            flash(f"Welcome, {user.name}.", "success")
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append("The email address or the password is not right.")
    return render_template("accounts/login.html", form=form), 200 if not form.errors else 422


@bp.route("/logout", methods=["POST"])
@access("login")
def logout():
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@access("login")
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data, form.new.data)
        except services.AccountError as exc:
            form.current.errors.append(str(exc))
        else:
            flash("Your password has been changed.", "success")
            return redirect(url_for("home.index"))
    return render_template("accounts/password_change.html", form=form), 200 if not form.errors else 422


@bp.route("/password/forgot", methods=["GET", "POST"])
@access("public")
@limiter.limit("5 per minute; 20 per hour", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.send_password_reset(form.email.data)
        flash("If that address has an account, a reset link is on its way. "
              "It works for one hour.", "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/password_forgot.html", form=form), 200 if not form.errors else 422


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@access("public")
def reset_password(token: str):
    try:
        services.user_for_reset_token(token)
    except services.AccountError as exc:
        return render_template("accounts/link_problem.html", problem=str(exc)), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user = services.reset_password(token, form.new.data)
        login_user(user)
        flash("Your new password is set.", "success")
        return redirect(url_for("home.index"))
    return render_template("accounts/password_reset.html", form=form), 200 if not form.errors else 422


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@access("public")
def accept_invitation(token: str):
    try:
        invitation = services.open_invitation(token)
    except services.AccountError as exc:
        return render_template("accounts/link_problem.html", problem=str(exc)), 400
    existing = services.find_user(invitation.email)
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        if existing is None and not form.name.data:
            form.name.errors.append("Enter your name.")
        if existing is None and not form.password.data:
            form.password.errors.append("Choose a password.")
        if not form.errors:
            user = services.accept_invitation(token, name=form.name.data, password=form.password.data)
            if existing is None or current_user.is_authenticated and current_user.id == user.id:
                login_user(user)
            flash("Invitation accepted.", "success")
            return redirect(url_for("home.index") if current_user.is_authenticated
                            else url_for("accounts.login"))
    return render_template("accounts/invitation.html", form=form, invitation=invitation,
                           existing=existing), 200 if not form.errors else 422


def _invite(panel=None, organisation=None):
    form = InviteForm(panel_level=panel is not None)
    if form.validate_on_submit():
        try:
            services.invite(current_user, form.email.data, form.role.data,
                            organisation=organisation or panel.organisation, panel=panel,
                            message=form.message.data or None)
        except services.AccountError as exc:
            form.role.errors.append(str(exc))
        else:
            flash(f"Invitation sent to {form.email.data}.", "success")
            return redirect(request.path)
    return render_template("accounts/invite.html", form=form, panel=panel,
                           organisation=organisation or panel.organisation), 200 if not form.errors else 422


@bp.route("/o/<org_slug>/invite", methods=["GET", "POST"])
@access("organisation.invite")
def invite_to_organisation(org_slug: str):
    return _invite(organisation=g.organisation)


@bp.route("/panels/<int:panel_id>/invite", methods=["GET", "POST"])
@access("panel.invite")
def invite_to_panel(panel_id: int):
    return _invite(panel=g.panel)
