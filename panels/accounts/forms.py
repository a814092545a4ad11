"""Account forms (WTForms; CSRF comes from Flask-WTF)."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from ..roles import ORGANISATION_ROLES, PANEL_ROLES, ROLE_LABELS
from .services import MIN_PASSWORD

NEW_PASSWORD = [
    DataRequired(message="Choose a password."),
    Length(min=MIN_PASSWORD, max=200,
           message=f"Use at least {MIN_PASSWORD} characters; a few words together are easy to remember."),
]


class LoginForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired(message="Enter your email address."),
                                                    Email(message="Enter an email address like name@example.org.")])
    password = PasswordField("Password", validators=[DataRequired(message="Enter your password.")])


class PasswordChangeForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired(message="Enter your current password.")])
    new = PasswordField("New password", validators=NEW_PASSWORD)
    confirm = PasswordField("New password again",
                            validators=[EqualTo("new", message="The two new passwords are not the same.")])


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired(message="Enter your email address."),
                                                    Email(message="Enter an email address like name@example.org.")])


class ResetPasswordForm(FlaskForm):
    new = PasswordField("New password", validators=NEW_PASSWORD)
    confirm = PasswordField("New password again",
                            validators=[EqualTo("new", message="The two passwords are not the same.")])


class AcceptInvitationForm(FlaskForm):
    name = StringField("Your name", validators=[Optional(), Length(max=200)])
    password = PasswordField("Choose a password", validators=[Optional(), Length(min=MIN_PASSWORD, max=200,
                             message=f"Use at least {MIN_PASSWORD} characters.")])


class InviteForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired(message="Enter the person's email address."),
                                                    Email(message="Enter an email address like name@example.org.")])
    role = SelectField("Role")
    message = TextAreaField("A note to include (optional)", validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, panel_level: bool, **kwargs):
        super().__init__(*args, **kwargs)
        roles = PANEL_ROLES if panel_level else ORGANISATION_ROLES
        self.role.choices = [(r.value, ROLE_LABELS[r]) for r in roles]
