"""Staff forms. They share the public forms' input cleaning (control characters such as NUL dropped)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    FormField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, EqualTo, Length, Regexp, ValidationError

from portal.forms import PortalMeta
from portal.staff.passwords import MIN_LENGTH, strength_problem
from portal.staff.roles import ROLES

ROLE_LABELS = {"adviser": _l("Adviser"), "editor": _l("Editor"), "organiser": _l("Organiser"),
               "admin": _l("Administrator")}


class StaffForm(FlaskForm):
    """CSRF as every form, and the shared input hardening (without the public forms' honeypot)."""

    class Meta(PortalMeta):
        def bind_field(self, form, unbound_field, options):
            # A nested form cleans its own fields (it takes no filters itself).
            if issubclass(unbound_field.field_class, FormField):
                return unbound_field.bind(form=form, **options)
            return super().bind_field(form, unbound_field, options)


class NestedMeta:
    """For a form inside a form (the texts of one language): the same cleaning and messages, and no
    CSRF token of its own."""

    bind_field = PortalMeta.bind_field
    get_translations = PortalMeta.get_translations


class SignInForm(StaffForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(message=_l("Enter your e-mail address.")),
                                                          Length(max=200)])
    password = PasswordField(_l("Password"), validators=[DataRequired(message=_l("Enter your password.")),
                                                         Length(max=200)])


class CodeForm(StaffForm):
    code = StringField(_l("Code from your authenticator app"), description=_l("Six digits, for example 123 456."),
                       validators=[DataRequired(message=_l("Enter the six-digit code.")), Length(max=12)])


class NoteForm(StaffForm):
    text = TextAreaField(_l("Add a note"),
                         validators=[DataRequired(message=_l("Write the note first.")),
                                     Length(max=2000, message=_l("Please use at most %(max)d characters."))])


class OutcomeForm(StaffForm):
    outcome = RadioField(_l("Outcome"), validators=[DataRequired(message=_l("Choose an outcome."))])


class TopicsForm(StaffForm):
    """The item's topics for social reporting (choices: portal/staff/topics.py); none is a valid answer."""

    topics = SelectMultipleField(_l("Topics for social reporting"), choices=[],
                                 description=_l("Choose every topic the matter was about. They are counted in the "
                                                "statistics, never with the person's details."),
                                 widget=widgets.ListWidget(prefix_label=False), option_widget=widgets.CheckboxInput())


def _roles_field():
    return SelectMultipleField(_l("Roles"), choices=[(r, ROLE_LABELS[r]) for r in ROLES],
                               widget=widgets.ListWidget(prefix_label=False), option_widget=widgets.CheckboxInput())


def _organisation_field():
    return SelectField(_l("Organisation"), coerce=int, default=0,
                       description=_l("For the organiser role: "
                                      "the organisation whose activities they keep up to date."))


class StaffAccountForm(StaffForm):
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Enter a name.")), Length(max=100)])
    email = EmailField(_l("E-mail address"),
                       validators=[DataRequired(message=_l("Enter an e-mail address.")),
                                   Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                                          message=_l("Enter an e-mail address like name@example.fi.")),
                                   Length(max=200)])
    roles = _roles_field()
    organiser_id = _organisation_field()

    def validate_organiser_id(self, field):
        if "organiser" in (self.roles.data or []) and not field.data:
            raise ValidationError(_l("Choose the organisation of the organiser."))


class AccountRolesForm(StaffForm):
    """Changing an existing account's roles and organisation."""
    roles = _roles_field()
    organiser_id = _organisation_field()
    validate_organiser_id = StaffAccountForm.validate_organiser_id


class ConfirmPasswordForm(StaffForm):
    confirm_password = PasswordField(_l("Your password"), validators=[
        DataRequired(message=_l("Enter your password.")), Length(max=200)])


class PasswordChangeForm(StaffForm):
    current = PasswordField(_l("Current password"),
                            validators=[DataRequired(message=_l("Enter your current password.")), Length(max=200)])
    new = PasswordField(_l("New password"),
                        description=_l("At least %(min)d characters. A few unrelated words are easy to remember.",
                                       min=MIN_LENGTH),
                        validators=[DataRequired(message=_l("Enter a new password.")), Length(max=200)])
    again = PasswordField(_l("New password again"), validators=[
        DataRequired(message=_l("Enter the new password again.")),
        EqualTo("new", message=_l("The two new passwords are not the same."))])

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_new(self, field):
        problem = strength_problem(field.data or "", self.user, self.current.data or "")
        if problem:
            raise ValidationError(problem)
