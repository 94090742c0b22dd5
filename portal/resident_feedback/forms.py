"""The questionnaire after a contact, and "Did you find what you were looking for?"."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, StringField
from wtforms.validators import InputRequired, Length, Optional

from portal.forms import PortalForm
from portal.resident_feedback.questions import POINTS, SCALE

FOUND_TEXT_LIMIT = 200


class ContactFeedbackForm(PortalForm):
    """Every question may be left unanswered; at least one answer makes a questionnaire. The view sets
    submission_kind ("contact-feedback:callback"): one token, one questionnaire."""

    encounter = RadioField(POINTS["encounter"][1], choices=SCALE, validators=[Optional()])
    competence = RadioField(POINTS["competence"][1], choices=SCALE, validators=[Optional()])
    cooperation = RadioField(POINTS["cooperation"][1], choices=SCALE, validators=[Optional()])
    impact = RadioField(POINTS["impact"][1], choices=SCALE, validators=[Optional()])

    def answers(self) -> dict[str, int | None]:
        return {code: int(self[code].data) if self[code].data else None for code in POINTS}

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and all(value is None for value in self.answers().values()):
            self.form_errors.append(_l("Choose an answer to at least one question, or leave this page."))
            return False
        return valid


class FoundForm(PortalForm):
    """On the activity search results, a page a shared cache keeps: no session token in it. The view
    checks where the post came from (security.same_origin_or_token) instead."""

    class Meta:
        csrf = False

    found = RadioField(_l("Did you find what you were looking for?"), choices=[("yes", _l("Yes")), ("no", _l("No"))],
                       validators=[InputRequired(message=_l("Choose yes or no."))])
    text = StringField(_l("What were you looking for? (optional)"),
                       description=_l("A few words. Do not write your name, phone number or health details."),
                       validators=[Length(max=FOUND_TEXT_LIMIT, message=_l("Please use at most %(max)d characters."))])
    back = HiddenField()
