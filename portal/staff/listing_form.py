"""The activity editing form: every field of the content model, texts in three languages.

Schedules are lines of plain text ("tue 10:00-11:00", "2026-12-03 13:00-15:00"), so they can be
edited in any browser without JavaScript; `read_*` turn them into values and name the bad line."""
from __future__ import annotations

import datetime as dt
import re

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DecimalField,
    Form,
    FormField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from portal.catalogue import vocab
from portal.staff.forms import NestedMeta, StaffForm

# A weekday as editors write it in any of the three languages.
DAY_WORDS = {**{d: d for d in vocab.WEEKDAYS},
             **dict(zip(("ma", "ti", "ke", "to", "pe", "la", "su"), vocab.WEEKDAYS, strict=True)),
             **dict(zip(("mån", "tis", "ons", "tor", "fre", "lör", "sön"), vocab.WEEKDAYS, strict=True))}
WEEKLY_LINE = re.compile(r"^(\w+)\s+(\d{1,2}[:.]\d{2})\s*[-–]\s*(\d{1,2}[:.]\d{2})$")
DATE_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s+(\d{1,2}[:.]\d{2})\s*[-–]\s*(\d{1,2}[:.]\d{2})$")
STATE_CHOICES = [("yes", _l("Yes")), ("no", _l("No")), ("unknown", _l("Not checked"))]


def _checkboxes(label, choices):
    return SelectMultipleField(label, choices=choices, widget=widgets.ListWidget(prefix_label=False),
                               option_widget=widgets.CheckboxInput())


def _time(text: str) -> dt.time:
    return dt.time.fromisoformat(text.replace(".", ":").zfill(5))


def _lines(text: str | None, read):
    """Each non-empty line through `read`; a line that cannot be read raises ValueError(that line)."""
    values = []
    for line in filter(None, (line.strip() for line in (text or "").splitlines())):
        try:
            values.append(read(line))
        except (ValueError, AttributeError, KeyError):
            raise ValueError(line) from None
    return values


def _weekly_line(line: str) -> tuple[int, dt.time, dt.time]:
    match = WEEKLY_LINE.match(line.lower())
    if match is None:
        raise ValueError(line)
    day, starts, ends = match.groups()
    return vocab.WEEKDAYS.index(DAY_WORDS.get(day) or DAY_WORDS[day[:3]]), _time(starts), _time(ends)


def _date_line(line: str) -> tuple[dt.datetime, dt.datetime]:
    match = DATE_LINE.match(line)
    if match is None:
        raise ValueError(line)
    day, starts, ends = match.groups()
    day = dt.date.fromisoformat(day)
    return dt.datetime.combine(day, _time(starts)), dt.datetime.combine(day, _time(ends))


def read_weekly(text: str) -> list[tuple[int, dt.time, dt.time]]:
    return _lines(text, _weekly_line)


def read_dates(text: str) -> list[tuple[dt.datetime, dt.datetime]]:
    return _lines(text, _date_line)


def read_days(text: str) -> list[dt.date]:
    return _lines(text, dt.date.fromisoformat)


class TextsForm(Form):
    Meta = NestedMeta  # control characters dropped, as in every form
    name = StringField(_l("Name"), validators=[Length(max=200)])
    summary = StringField(_l("Summary in one plain sentence"), validators=[Length(max=300)])
    description = TextAreaField(_l("What to expect"),
                                description=_l("Paragraphs, lists, bold, italics and links are kept; nothing else."),
                                validators=[Length(max=5000)])
    for_whom = TextAreaField(_l("Who it is for"), validators=[Length(max=1000)])
    how_to_join = TextAreaField(_l("How to join"), validators=[Length(max=1000)])


class ActivityForm(StaffForm):
    text_fi = FormField(TextsForm, label=_l("In Finnish (required)"))
    text_sv = FormField(TextsForm, label=_l("In Swedish"))
    text_en = FormField(TextsForm, label=_l("In English"))
    venue_id = SelectField(_l("Place"), coerce=int,
                           description=_l("Choose “From home” for activities by phone or online."))
    organiser_id = SelectField(_l("Organiser"), coerce=int)
    categories = _checkboxes(_l("Topic"), list(vocab.CATEGORIES.items()))
    audiences = _checkboxes(_l("Meant for"), list(vocab.AUDIENCES.items()))
    languages = _checkboxes(_l("Language of the activity"), [(c, c) for c in vocab.ACTIVITY_LANGUAGES])
    price_euros = DecimalField(_l("Price in euros (0 is free)"), places=2, default=0,
                               validators=[NumberRange(min=0, max=1000,
                                                       message=_l("Enter a price from 0 to 1000 euros."))])
    join_mode = RadioField(_l("How to join"), choices=list(vocab.JOIN_MODES.items()), default="drop_in")
    join_phone = StringField(_l("Phone for signing up (optional)"), validators=[Optional(), Length(max=40)])
    weekly = TextAreaField(_l("Every week"), description=_l("One time per line, like: tue 10:00-11:00"))
    dates = TextAreaField(_l("Single dates"), description=_l("One per line, like: 2026-12-03 13:00-15:00"))
    cancelled = TextAreaField(_l("Cancelled dates"), description=_l("One per line, like: 2026-12-08"))
    checked = BooleanField(_l("I have checked this listing today"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        finnish = self.text_fi.form
        for field, message in ((finnish.name, _l("Write the name in Finnish.")),
                               (finnish.summary, _l("Write the summary in Finnish."))):
            if not (field.data or "").strip():
                field.errors = [*field.errors, message]
                valid = False
        return valid

    def validate_categories(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one topic."))

    def validate_weekly(self, field):
        try:
            times = read_weekly(field.data)
        except ValueError as bad:
            raise ValidationError(_l("This line could not be read: %(line)s", line=str(bad))) from None
        _ends_after_start(field.data, [(starts, ends) for _day, starts, ends in times])

    def validate_dates(self, field):
        try:
            times = read_dates(field.data)
        except ValueError as bad:
            raise ValidationError(_l("This line could not be read: %(line)s", line=str(bad))) from None
        _ends_after_start(field.data, times)

    def validate_cancelled(self, field):
        try:
            read_days(field.data)
        except ValueError as bad:
            raise ValidationError(_l("This line could not be read: %(line)s", line=str(bad))) from None


def _ends_after_start(text: str, times: list) -> None:
    """A time that ends before (or when) it starts is a typing mistake: name the line."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    for line, (starts, ends) in zip(lines, times, strict=True):  # one time per non-empty line
        if ends <= starts:
            raise ValidationError(_l("This time ends before it starts: %(line)s", line=line))


def with_access_fields(form_class: type[ActivityForm]) -> type[ActivityForm]:
    """One yes / no / not checked question per activity accessibility fact."""
    for fact in vocab.FACTS:
        if fact.about == "activity":
            setattr(form_class, f"access_{fact.code}", RadioField(fact.label, choices=STATE_CHOICES, default="unknown"))
    return form_class


with_access_fields(ActivityForm)
