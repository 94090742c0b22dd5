"""Staff forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, RadioField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import DataRequired, Length, Regexp

from portal.staff.models import ROLES

ROLE_LABELS = {"adviser": _l("Adviser"), "editor": _l("Editor"), "organiser": _l("Organiser"), "admin": _l("Administrator")}


class SignInForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(message=_l("Enter your e-mail address.")),
                                                          Length(max=200)])
    password = PasswordField(_l("Password"), validators=[DataRequired(message=_l("Enter your password.")),
                                                         Length(max=200)])


class CodeForm(FlaskForm):
    code = StringField(_l("Code from your authenticator app"), description=_l("Six digits, for example 123 456."),
                       validators=[DataRequired(message=_l("Enter the six-digit code.")), Length(max=12)])


class NoteForm(FlaskForm):
    text = TextAreaField(_l("Add a note"), validators=[DataRequired(message=_l("Write the note first.")),
                                                      Length(max=2000, message=_l("Please use at most %(max)d characters."))])


class OutcomeForm(FlaskForm):
    outcome = RadioField(_l("Outcome"), validators=[DataRequired(message=_l("Choose an outcome."))])


class StaffAccountForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Enter a name.")), Length(max=100)])
    email = EmailField(_l("E-mail address"), validators=[DataRequired(message=_l("Enter an e-mail address.")),
                                                          Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Enter an e-mail address like name@example.fi.")),
                                                          Length(max=200)])
    roles = SelectMultipleField(_l("Roles"), choices=[(r, ROLE_LABELS[r]) for r in ROLES],
                                widget=widgets.ListWidget(prefix_label=False), option_widget=widgets.CheckboxInput())
