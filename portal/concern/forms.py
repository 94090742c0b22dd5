"""One form per step of the concern notice: one topic per page."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import InputRequired, Length, ValidationError

from portal.consent import CONSENT_CHOICES
from portal.forms import PhoneNumber, PortalForm, short_text, stripped

YES_NO_UNKNOWN = [("yes", _l("Yes")), ("no", _l("No")), ("unknown", _l("I don't know"))]
ROLES = [
    ("relative", _l("A relative")), ("neighbour", _l("A neighbour")), ("friend", _l("A friend or acquaintance")),
    ("professional", _l("A professional, for example a nurse, doctor or police officer")),
    ("organisation", _l("Someone from an organisation, a parish or a company")),
    ("self", _l("I am writing about myself")),
]
WORRIES = [
    ("memory", _l("Memory or confusion")), ("coping", _l("Coping at home")), ("loneliness", _l("Loneliness")),
    ("safety", _l("Safety, for example fear of someone")), ("falls", _l("Falls or moving about")),
    ("food", _l("Eating enough")), ("hygiene", _l("Keeping clean")), ("carer", _l("A carer who is very tired")),
    ("substances", _l("Alcohol, drugs or medicines")), ("money", _l("Money, debts or scams")),
    ("other", _l("Something else")),
]
TEXT_LIMIT = 2000
required = lambda message: InputRequired(message=message)  # noqa: E731


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class UrgencyForm(PortalForm):
    urgency = RadioField(_l("Is this urgent?"), choices=[
        ("danger", _l("Yes: someone is in danger now, or lost or badly dressed outdoors")),
        ("health", _l("I am worried about their health today")),
        ("no", _l("No, it is not urgent")),
    ], validators=[required(_l("Choose how urgent it is."))])


class RoleForm(PortalForm):
    role = RadioField(_l("Who are you to the older person?"), choices=ROLES,
                      validators=[required(_l("Choose who you are to the older person."))])
    on_behalf = RadioField(_l("Are you filling this in for someone else who is worried?"),
                           description=_l("For example, you are a library digi-guide helping a customer."),
                           choices=[("no", _l("No, the worry is mine")), ("yes", _l("Yes, I am helping someone"))],
                           default="no", validators=[required(_l("Choose yes or no."))])


class HelperWording:
    """A step that speaks about the person being helped when someone fills the notice in for them
    (a digi-guide with a customer): "Yes, they give their name", never "Yes, I give my name".
    Labels, choices and error messages are swapped on a built form; `answers` say who is writing."""

    HELPER_LABELS: ClassVar[dict] = {}  # field name -> label
    HELPER_CHOICES: ClassVar[dict] = {}  # field name -> {value: label}
    HELPER_ERRORS: ClassVar[dict] = {}  # field name -> {the own message: the helper's message}

    if TYPE_CHECKING:  # mixed into a PortalForm, whose fields it looks up by name
        def __getitem__(self, name: str) -> Any: ...

    def for_answers(self, answers: dict):
        """The form worded for who is filling it in; returns itself, for use in templates."""
        if answers.get("on_behalf") != "yes":
            return self
        for name, label in self.HELPER_LABELS.items():
            self[name].label.text = label
        for name, labels in self.HELPER_CHOICES.items():
            self[name].choices = [(value, labels.get(value, label)) for value, label in self[name].choices]
        for name, messages in self.HELPER_ERRORS.items():
            swaps = {str(own): helper for own, helper in messages.items()}
            self[name].errors = [swaps.get(str(error), error) for error in self[name].errors]
        return self


class IdentityForm(HelperWording, PortalForm):
    identity = RadioField(_l("Do you want to give your name?"), choices=[
        ("named", _l("Yes, I give my name")), ("anonymous", _l("No, I stay anonymous")),
    ], validators=[required(_l("Choose yes or no."))])
    HELPER_LABELS: ClassVar[dict] = {"identity": _l("Does the person you are helping want to give their name?")}
    HELPER_CHOICES: ClassVar[dict] = {"identity": {"named": _l("Yes, they give their name"),
                                                   "anonymous": _l("No, they stay anonymous")}}


def _unknown_or(field_name: str, missing, both):
    """Validator: the field needs a value or its "I don't know" box ticked, and not both: a typed
    answer is never silently dropped because the box was also ticked. Either way, what was typed
    is shown again."""
    def check(form, field):
        unknown = form[f"{field_name}_unknown"].data
        if not field.data and not unknown:
            raise ValidationError(missing)
        if field.data and unknown:
            raise ValidationError(both)
    return check


class PersonForm(PortalForm):
    name = short_text(_l("Their name"), 100, validators=[_unknown_or(
        "name", _l("Enter their name, or tick “I don't know”."),
        _l("You typed a name and also ticked “I don't know their name”. Keep one."))])
    name_unknown = BooleanField(_l("I don't know their name"))
    age = short_text(_l("Their age or year of birth"), 4, description=_l("For example 82 or 1944."),
                     validators=[_unknown_or(
                         "age", _l("Enter their age or year of birth, or tick “I don't know”."),
                         _l("You typed an age and also ticked “I don't know their age”. Keep one."))])
    age_unknown = BooleanField(_l("I don't know their age"))
    address = short_text(_l("Their address or area"), 200, description=_l("A street address, or the part of town."),
                         validators=[_unknown_or(
                             "address", _l("Enter their address or area, or tick “I don't know”."),
                             _l("You typed an address and also ticked “I don't know where they live”. Keep one."))])
    address_unknown = BooleanField(_l("I don't know where they live"))
    phone = StringField(_l("Their phone number"), filters=[stripped],
                        validators=[Length(max=30), PhoneNumber(), _unknown_or(
                            "phone", _l("Enter their phone number, or tick “I don't know”."),
                            _l("You typed a phone number and also ticked “I don't know their phone number”. "
                               "Keep one."))])
    phone_unknown = BooleanField(_l("I don't know their phone number"))

    def validate_age(self, field):
        if field.data and not self.age_unknown.data:
            this_year = dt.date.today().year
            if not field.data.isdigit() or not (50 <= int(field.data) <= 120
                                                or this_year - 120 <= int(field.data) <= this_year - 50):
                raise ValidationError(_l("Enter an age like 82, or a year of birth like 1944."))


# What each answer to "do they know and agree?" means for the notice, said beside the choice. A
# notice may be made without their agreement (Social Welfare Act 35 §); they may still refuse help.
CONSENT_HINTS = {
    "yes": _l("The adviser can talk with them openly about the notice."),
    "no": _l("You can still send the notice. The adviser contacts them, and they may refuse help."),
    "cannot_ask": _l("For example, because of memory problems. You can still send the notice. "
                     "The adviser takes this into account."),
}
CHOOSE_CONSENT = _l("Choose whether they know about the notice and agree to it.")


class SituationForm(HelperWording, PortalForm):
    existing_client = RadioField(_l("Do they already get home care or help from social services?"),
                                 choices=YES_NO_UNKNOWN,
                                 validators=[required(_l("Choose yes, no or I don't know."))])
    # Stored as ConcernNotice.person_knows: whether the older person knows about the notice and agrees.
    person_knows = RadioField(_l("Does the older person know about this notice, and do they agree to it?"),
                              choices=CONSENT_CHOICES,
                              description=_l("It is good to talk with them first, if you can."),
                              validators=[required(CHOOSE_CONSENT)])
    HELPER_LABELS: ClassVar[dict] = {
        "person_knows": _l("Does the older person know that the person you are helping is making this notice, "
                           "and do they agree to it?")}
    HELPER_CHOICES: ClassVar[dict] = {"person_knows": {"cannot_ask": _l("They cannot ask them")}}


class StatusForm(PortalForm):
    """Look up a sent notice: its reference and one thing only the notifier knows."""

    reference = short_text(_l("Reference"), 20,
                           description=_l("It looks like K7M4-Q9TX. You got it when you sent the notice."),
                           validators=[required(_l("Enter the reference."))])
    check = short_text(_l("The older person's year of birth, or the last four digits of your phone number"), 4,
                       description=_l("Use what you gave in the notice. The confirmation page said which."),
                       validators=[required(_l("Enter the year of birth or the last four digits."))])


class WorriesForm(PortalForm):
    worries = MultiCheckboxField(_l("What worries you?"), choices=WORRIES, description=_l("Choose all that fit."))
    details = TextAreaField(_l("Tell us in your own words (optional)"),
                            description=_l("What have you noticed, and since when? A few sentences are enough."),
                            validators=[Length(max=TEXT_LIMIT, message=_l("Please use at most %(max)d characters."))])

    def validate_worries(self, field):
        if not field.data and not (self.details.data or "").strip():
            raise ValidationError(_l("Choose at least one worry, or tell us in your own words."))


ENTER_YOUR_NAME = _l("Enter your name.")
REACH_YOU = _l("Give a phone number or an e-mail address, so that an adviser can reach you.")


class ContactForm(HelperWording, PortalForm):
    contact_name = short_text(_l("Your name"), 100, validators=[required(ENTER_YOUR_NAME)])
    contact_phone = StringField(_l("Your phone number"), filters=[stripped],
                                validators=[Length(max=30), PhoneNumber()])
    contact_email = short_text(_l("Your e-mail address"), 200)
    helper_name = short_text(_l("Your own name, as the helper (optional)"), 100)
    # The contact details asked for are those of the person being helped.
    HELPER_LABELS: ClassVar[dict] = {"contact_name": _l("The name of the person you are helping"),
                                     "contact_phone": _l("Their phone number"),
                                     "contact_email": _l("Their e-mail address")}
    HELPER_ERRORS: ClassVar[dict] = {
        "contact_name": {ENTER_YOUR_NAME: _l("Enter the name of the person you are helping.")},
        "contact_phone": {
            REACH_YOU: _l("Give their phone number or e-mail address, so that an adviser can reach them.")},
    }

    def validate_contact_phone(self, field):
        if not field.data and not self.contact_email.data:
            raise ValidationError(REACH_YOU)

    def validate_contact_email(self, field):
        if field.data and ("@" not in field.data or "." not in field.data.rsplit("@", 1)[-1] or " " in field.data):
            raise ValidationError(_l("Enter an e-mail address like name@example.fi."))
