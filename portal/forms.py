"""What every form shares: messages in the person's language, length limits, the honeypot, the
one-time submission token, and phone numbers."""
from __future__ import annotations

import re
import secrets

import phonenumbers
from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import Length, ValidationError


def _printable(value):
    """Control characters (a NUL from a broken client, say) are never part of what a person meant."""
    if isinstance(value, str):
        return "".join(ch if ch.isprintable() or ch in "\n\t" else " " if ch.isspace() else "" for ch in value)
    return value


class ActionForm(FlaskForm):
    """A button that changes something (claim, add to my list, turn a mode on): only the CSRF token."""


class PortalForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            options["filters"] = [_printable, *unbound_field.kwargs.get("filters", ())]
            return unbound_field.bind(form=form, **options)

    # Robots fill every field; people never see this one.
    website = StringField(_l("Leave this empty"))
    # One per rendered form: a second submission of the same form finds the first record.
    submission = HiddenField()

    def prepare(self) -> PortalForm:
        if not self.submission.data:
            self.submission.data = secrets.token_urlsafe(16)
        return self

    @property
    def looks_automated(self) -> bool:
        return bool(self.website.data)


def short_text(label, limit: int, validators=(), **kwargs) -> StringField:
    """A one-line text field, trimmed, at most `limit` characters."""
    return StringField(label, validators=[Length(max=limit, message=_l("Please use at most %(max)d characters.")),
                                          *validators], filters=[_strip], **kwargs)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


_PHONE_CHARACTERS = re.compile(r"\+?[\d\s().\-/]{5,30}")


def parse_phone(typed: str) -> phonenumbers.PhoneNumber | None:
    """A Finnish number, or an international one starting with + or 00; None if it cannot be a phone."""
    typed = typed.strip()
    # Only digits and the usual separators: libphonenumber would read letters as a keypad word
    # ("040 CALL NOW") or an extension, and the adviser would call someone else.
    if not _PHONE_CHARACTERS.fullmatch(typed):
        return None
    if typed.startswith("00"):
        typed = "+" + typed[2:]
    try:
        number = phonenumbers.parse(typed, "FI")
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(stored: str) -> str:
    """Finnish numbers as people write them (040 123 4567); others in international form."""
    try:
        number = phonenumbers.parse(stored, "FI")
    except phonenumbers.NumberParseException:
        return stored
    if number.country_code != 358:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    # libphonenumber writes "09 31044556"; Finns group the number after the area or operator code.
    digits = phonenumbers.national_significant_number(number)
    code_length = phonenumbers.length_of_national_destination_code(number) or 2
    subscriber = digits[code_length:]
    return f"0{digits[:code_length]} {subscriber[:3]} {subscriber[3:]}".strip()


class PhoneNumber:
    """Validator: accepts any common way of writing a number; the form stores it normalised."""

    def __init__(self, message=None):
        self.message = message or _l("Enter a phone number, like 040 123 4567 or +46 70 123 4567.")

    def __call__(self, form, field):
        if field.data and parse_phone(field.data) is None:
            raise ValidationError(self.message)


def field_attributes(field, **extra) -> dict:
    """HTML attributes for a field's input: its hint and error joined in aria-describedby, aria-invalid
    when it failed, and the extras the template gives (None values left out)."""
    described = [f"{field.id}-hint" if field.description else "", f"{field.id}-error" if field.errors else ""]
    attributes = {key: value for key, value in extra.items() if value is not None}
    if any(described):
        attributes["aria-describedby"] = " ".join(d for d in described if d)
    if field.errors:
        attributes["aria-invalid"] = "true"
    return attributes


def failed_fields(form) -> list:
    """Fields with errors in page order, looking inside nested forms."""
    failed = []
    for field in form:
        if field.type == "FormField":
            failed += failed_fields(field.form)
        elif field.errors:
            failed.append(field)
    return failed


def first_input_id(field) -> str:
    """Where an error summary link should take the focus: a group's first option, else the field."""
    options = list(field) if hasattr(field, "__iter__") and field.type in ("RadioField", "MultiCheckboxField") else []
    return options[0].id if options else field.id


def init_app(app: Flask) -> None:
    app.add_template_filter(failed_fields)
    app.add_template_global(field_attributes)
    app.add_template_filter(first_input_id)
    app.add_template_filter(display_phone)
