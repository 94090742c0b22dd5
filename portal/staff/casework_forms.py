"""The forms of advisers' case work: an escorted hand-over, a duplicate flag's decision, the check-in
call chosen when closing, and how a check-in call went."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.staff.forms import StaffForm

CONSENT_CHOICES = [("yes", _l("Yes, they agreed")), ("no", _l("No, or not asked"))]


class HandoverForm(StaffForm):
    unit = RadioField(_l("Hand over to"), validators=[DataRequired(message=_l("Choose who takes it over."))])
    note = TextAreaField(_l("Note for the receiver"),
                         description=_l("What the receiver needs to know to carry on: what was agreed, what is still "
                                        "open. The person's details go with the item."),
                         validators=[DataRequired(message=_l("Write a note for the receiver.")),
                                     Length(max=2000, message=_l("Please use at most %(max)d characters."))])
    consent = RadioField(_l("Did the person agree that their details go to the organisation?"),
                         choices=CONSENT_CHOICES, validators=[Optional()])


class MergeForm(StaffForm):
    keep = RadioField(_l("Which one stays open?"),
                      validators=[DataRequired(message=_l("Choose which one stays open."))])


class FollowUpOutcomeForm(StaffForm):
    outcome = RadioField(_l("How did it go?"), validators=[DataRequired(message=_l("Choose an outcome."))])
