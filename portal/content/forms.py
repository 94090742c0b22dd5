"""The staff forms: a content page in three languages, and a current notice."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from portal.staff.forms import StaffForm
from portal.staff.venue_form import LANGUAGE_LABELS

LANGS = tuple(LANGUAGE_LABELS)
IMPORTANCE = {"info": _l("Information"), "warning": _l("Warning")}
# What the editor fills in for each language; the dates are each version's own.
VERSION_FIELDS = {"title": _l("Title"), "body": _l("Text"), "reviewed_on": _l("Facts last checked on"),
                  "review_by": _l("Check the facts again by")}


class ContentPageForm(StaffForm):
    """A language whose title is left empty has no version: the page shows another language instead."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.title_fi.data:
            self.title_fi.errors = [*self.title_fi.errors, str(_l("Write the title in Finnish."))]
            valid = False
        for lang in LANGS:
            if not self[f"title_{lang}"].data:
                continue
            for key, message in (("body", _l("Write the text.")), ("reviewed_on", _l("Enter the date.")),
                                 ("review_by", _l("Enter the date."))):
                field = self[f"{key}_{lang}"]
                if not field.data and not field.errors:
                    field.errors = [str(message)]
                    valid = False
        return valid

    def versions(self) -> dict[str, dict[str, object] | None]:
        return {lang: {key: self[f"{key}_{lang}"].data for key in VERSION_FIELDS}
                if self[f"title_{lang}"].data else None for lang in LANGS}


def content_form_data(versions) -> dict[str, object]:
    return {f"{key}_{lang}": getattr(version, key) for lang, version in versions.items() for key in VERSION_FIELDS}


def _add_version_fields() -> None:
    for lang, in_language in LANGUAGE_LABELS.items():
        def label(key: str, lang_words=in_language):
            return _l("%(field)s, %(language)s", field=VERSION_FIELDS[key], language=lang_words)
        setattr(ContentPageForm, f"title_{lang}", StringField(label("title"), validators=[Length(max=200)]))
        setattr(ContentPageForm, f"body_{lang}", TextAreaField(
            label("body"), description=_l("Paragraphs, lists, bold, italics and links. Anything else is removed."),
            validators=[Length(max=20000)]))
        for key in ("reviewed_on", "review_by"):
            setattr(ContentPageForm, f"{key}_{lang}", DateField(label(key), validators=[Optional()]))


_add_version_fields()


class NoticeForm(StaffForm):
    importance = RadioField(_l("Importance"), choices=list(IMPORTANCE.items()), default="info",
                            validators=[InputRequired(message=_l("Choose the importance."))])
    starts_on = DateField(_l("Shown from"), validators=[InputRequired(message=_l("Enter the date."))])
    ends_on = DateField(_l("Shown until (the last day)"), validators=[InputRequired(message=_l("Enter the date."))])

    def validate_ends_on(self, field) -> None:
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot be before the first day."))

    def texts(self) -> dict[str, str]:
        return {lang: self[f"text_{lang}"].data.strip() for lang in LANGS if self[f"text_{lang}"].data}


for _lang, _in_language in LANGUAGE_LABELS.items():
    setattr(NoticeForm, f"text_{_lang}", TextAreaField(
        _l("%(field)s, %(language)s", field=_l("Notice"), language=_in_language),
        description=_l("One or two short sentences.") if _lang == "fi" else None,
        validators=[DataRequired(message=_l("Write the notice in Finnish.")) if _lang == "fi" else Optional(),
                    Length(max=400, message=_l("Please use at most %(max)d characters."))]))
