"""The callback request form. Wording for someone helping another person is chosen in the template."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, StopValidation, ValidationError

from portal.consent import CONSENT_CHOICES
from portal.forms import PhoneNumber, PortalForm, short_text, stripped

CALL_LANGUAGES = [("fi", "Suomi"), ("sv", "Svenska"), ("en", "English"),
                  ("other", _l("Another language, with an interpreter"))]
TIME_WINDOWS = [("morning", _l("Morning, 9 to 12")), ("afternoon", _l("Afternoon, 12 to 15")),
                ("any", _l("Any time, 9 to 15"))]
TOPICS = [
    ("activities", _l("Activities and meeting people")),
    ("home", _l("Coping at home, home help")),
    ("health", _l("Health and care")),
    ("money", _l("Money, benefits and fees")),
    ("carer", _l("Support for family carers")),
    ("housing", _l("Housing")),
    ("digital", _l("Digital help")),
    ("other", _l("Something else")),
]
MESSAGE_LIMIT = 500
# What each answer to "do they know and agree?" means for the call, said beside the choice.
CONSENT_HINTS = {
    "yes": _l("The adviser calls them as you asked."),
    "no": _l("The adviser knows this before calling and thinks carefully about how to go on. "
             "They may call you first."),
    "cannot_ask": _l("For example, because of memory problems. The adviser takes this into account and may "
                     "call you first."),
}


def asked_of_helpers(form, field):
    """Required when someone asks for a call for another person; not asked, and so not kept, otherwise."""
    if not form.helping:
        field.errors[:] = []
        raise StopValidation()
    if not field.data:
        field.errors[:] = []
        raise StopValidation(_l("Choose whether they know about the call and agree to it."))


class CallbackForm(PortalForm):
    submission_kind = "callback"
    for_whom = HiddenField(default="me")
    activity = HiddenField()  # the activity asked about, when the form was opened from its page
    # The helper's own details come first on the page when someone fills this in for another person.
    helper_name = short_text(_l("Your name"), 100)
    helper_phone = StringField(_l("Your phone number (optional)"), validators=[Length(max=30), PhoneNumber()],
                               description=_l("So that we can reach you if we cannot reach them."))
    person_agrees = RadioField(_l("Do they know about this call, and do they agree to it?"),
                               choices=CONSENT_CHOICES, validators=[asked_of_helpers])
    name = short_text(_l("Name"), 100,
                      validators=[DataRequired(message=_l("Enter the name of the person we should call."))])
    phone = StringField(_l("Phone number"), filters=[stripped],
                        validators=[DataRequired(message=_l("Enter the phone number we should call.")),
                                    Length(max=30, message=_l("Please use at most %(max)d characters.")),
                                    PhoneNumber()])
    call_language = RadioField(_l("Language for the call"), choices=CALL_LANGUAGES,
                               validators=[InputRequired(message=_l("Choose a language for the call."))])
    interpreter_language = short_text(_l("Which language?"), 60)
    time_window = RadioField(_l("When is a good time?"), choices=TIME_WINDOWS, default="any",
                             validators=[InputRequired(message=_l("Choose a time."))])
    topic = RadioField(_l("What is it about? (optional)"), choices=TOPICS, validators=[Optional()])
    message = TextAreaField(_l("A few words about your matter (optional)"),
                            description=_l("Do not write health details here. You can tell the adviser on the phone."),
                            validators=[Length(max=MESSAGE_LIMIT,
                                               message=_l("Please use at most %(max)d characters."))])
    voicemail_ok = RadioField(_l("If nobody answers, may we leave a message?"),
                              choices=[("yes", _l("Yes")), ("no", _l("No"))], default="no",
                              validators=[InputRequired(message=_l("Choose yes or no."))])

    @property
    def helping(self) -> bool:
        return self.for_whom.data == "other"

    def validate_interpreter_language(self, field):
        if self.call_language.data == "other" and not field.data:
            raise ValidationError(_l("Tell us which language, so that we can book an interpreter."))

    def validate_helper_name(self, field):
        if self.helping and not field.data:
            raise ValidationError(_l("Enter your own name."))


class StatusForm(PortalForm):
    reference = short_text(_l("Reference"), 20,
                           description=_l("It looks like K7M4-Q9TX. You got it when you sent the request."),
                           validators=[DataRequired(message=_l("Enter the reference."))])
    last_digits = short_text(_l("The last four digits of the phone number"), 4,
                             validators=[DataRequired(message=_l("Enter the last four digits of the phone number."))])
