"""The venue editing form: names and directions in three languages, place, and the venue's own
accessibility facts (each yes / no / not checked)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DecimalField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from portal.catalogue import vocab
from portal.staff.forms import StaffForm
from portal.staff.listing_form import STATE_CHOICES

LANGUAGE_LABELS = {"fi": _l("in Finnish"), "sv": _l("in Swedish"), "en": _l("in English")}
TEXTS = {"name": _l("Name"), "street": _l("Street address"), "neighbourhood": _l("Part of town"),
         "transit": _l("Public transport nearby")}


class VenueForm(StaffForm):  # control characters dropped, as in every staff form
    postal_code = StringField(_l("Postal code"), validators=[
        DataRequired(message=_l("Enter the postal code.")),
        Regexp(r"^\d{5}$", message=_l("A postal code has five digits, like 00530."))])
    district = SelectField(_l("Major district"),
                           choices=[(code, label) for code, (label, _hint) in vocab.DISTRICTS.items()])
    lat = DecimalField(_l("Latitude"), places=5, validators=[Optional(), NumberRange(min=59, max=71)])
    lon = DecimalField(_l("Longitude"), places=5, validators=[Optional(), NumberRange(min=19, max=32)])
    phone = StringField(_l("Phone (optional)"), validators=[Optional(), Length(max=40)])
    checked = BooleanField(_l("I have checked the accessibility today"))


def _add_fields() -> None:
    for key, label in TEXTS.items():
        for lang, in_language in LANGUAGE_LABELS.items():
            in_finnish = lang == "fi" and key in ("name", "street")
            required = [DataRequired(message=_l("Write this in Finnish."))] if in_finnish else []
            field = StringField(_l("%(field)s, %(language)s", field=label, language=in_language),
                                validators=[*required, Length(max=300)])
            setattr(VenueForm, f"{key}_{lang}", field)
    for fact in vocab.FACTS:
        if fact.about == "venue":
            setattr(VenueForm, f"access_{fact.code}", RadioField(fact.label, choices=STATE_CHOICES, default="unknown"))


_add_fields()
