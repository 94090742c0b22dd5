from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.forms import PortalForm

KINDS = {
    "time": _l("The day or time is wrong"),
    "ended": _l("The activity has ended"),
    "accessibility": _l("The accessibility is not as described"),
    "price": _l("The price is wrong"),
    "other": _l("Something else"),
}


class ReportForm(PortalForm):
    kind = RadioField(_l("What is wrong?"), choices=list(KINDS.items()),
                      validators=[InputRequired(message=_l("Choose what is wrong."))])
    text = TextAreaField(_l("Tell us more in a few words (optional)"),
                         description=_l("For example: “The lift has been broken since October.” "
                                        "Do not write your name or phone number."),
                         validators=[Length(max=500, message=_l("Please use at most %(max)d characters."))])
