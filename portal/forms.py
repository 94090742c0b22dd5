"""What every form shares: input cleaned in one place, messages in the person's language (WTForms'
own included), length limits, the honeypot, the one-time submission token, and phone numbers."""
from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from typing import cast

import phonenumbers
from flask import Flask, current_app, request, session
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, TimestampSigner
from wtforms import HiddenField, PasswordField, StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from portal.i18n import gettext


def _printable(value):
    """Control characters (a NUL from a broken client, say) are never part of what a person meant."""
    if isinstance(value, str):
        return "".join(ch if ch.isprintable() or ch in "\n\t" else " " if ch.isspace() else "" for ch in value)
    return value


def _ascii_digits(value):
    """Digits as a keyboard or a phone's input method may send them (full-width ４５６７, superscript ⁸²,
    Arabic-Indic ٤٥) become 0-9, so that a phone number, an age, a year, a reference or a postal code
    means the same however it was typed. Only digits change; every other character stays as typed."""
    if isinstance(value, str) and not value.isascii():
        return "".join(str(unicodedata.digit(ch)) if not ch.isascii() and unicodedata.digit(ch, None) is not None
                       else ch for ch in value)
    return value


def stripped(value):
    """A field filter: spaces around what was typed dropped (a phone number pasted with a trailing space)."""
    return value.strip() if isinstance(value, str) else value


def clean_text(value, one_line: bool = True):
    """What the forms make of a typed value: control characters dropped, and on one-line fields digits
    made plain. (Tests use it to know what a re-shown form should show.)"""
    value = _printable(value)
    return _ascii_digits(value) if one_line else value


# WTForms' own messages, in words a resident understands and in the page's language. WTForms asks
# for these English texts through the form's translations; without this they would come out in
# English (or in WTForms' own, technical wording) on a Finnish or Swedish page.
_CHOOSE = _l("Choose from the options shown.")
WTFORMS_MESSAGES = {
    "Not a valid choice.": _CHOOSE,
    "'%(value)s' is not a valid choice for this field.": _CHOOSE,
    "'%(value)s' are not valid choices for this field.": _CHOOSE,
    "Invalid Choice: could not coerce.": _CHOOSE,
    "Invalid choice(s): one or more data inputs could not be coerced.": _CHOOSE,
    "Invalid value, must be one of: %(values)s.": _CHOOSE,
    "This field is required.": _l("Please answer this question."),
    "Field cannot be longer than %(max)d character.": _l("Please use at most %(max)d characters."),
    "Field cannot be longer than %(max)d characters.": _l("Please use at most %(max)d characters."),
    "Field must be at least %(min)d character long.": _l("Please use at least %(min)d characters."),
    "Field must be at least %(min)d characters long.": _l("Please use at least %(min)d characters."),
    "Field must be exactly %(max)d character long.": _l("Please use exactly %(max)d characters."),
    "Field must be exactly %(max)d characters long.": _l("Please use exactly %(max)d characters."),
    "Field must be between %(min)d and %(max)d characters long.": _l("Please use %(min)d to %(max)d characters."),
    "Not a valid integer value.": _l("Enter a whole number, for example 12."),
    "Not a valid decimal value.": _l("Enter a number."),
    "Not a valid float value.": _l("Enter a number."),
    "Number must be at least %(min)s.": _l("Enter a number of at least %(min)s."),
    "Number must be at most %(max)s.": _l("Enter a number of at most %(max)s."),
    "Number must be between %(min)s and %(max)s.": _l("Enter a number from %(min)s to %(max)s."),
    "Not a valid date value.": _l("Check the date."),
    "Not a valid datetime value.": _l("Check the date and the time."),
    "Not a valid time value.": _l("Check the time."),
    "Not a valid week value.": _l("Check the date."),
    "Date must be at least %(min)s.": _l("Enter a date on or after %(min)s."),
    "Date must be at most %(max)s.": _l("Enter a date on or before %(max)s."),
    "Date must be between %(min)s and %(max)s.": _l("Enter a date from %(min)s to %(max)s."),
    "Invalid email address.": _l("Enter an e-mail address like name@example.fi."),
    "Invalid URL.": _l("Enter a web address, for example https://example.fi."),
    "Field must be equal to %(other_name)s.": _l("The two entries are not the same. Type them again."),
    "Invalid input.": _l("Check what you typed."),
}


class _Translations:
    """WTForms' messages through the portal's own catalogue (see WTFORMS_MESSAGES)."""

    def gettext(self, string):
        return str(WTFORMS_MESSAGES[string]) if string in WTFORMS_MESSAGES else gettext(string)

    def ngettext(self, singular, plural, n):
        return self.gettext(singular if n == 1 else plural)


_TRANSLATIONS = _Translations()


class PortalMeta(FlaskForm.Meta):
    """Input hardening shared by every form, public and staff."""

    def wrap_formdata(self, form, formdata):
        # Only the fields of an ordinary form post. Flask-WTF would also mix in file parts (a file sent
        # for a text field reached the validators as an object: a 500 on every form) or read a JSON
        # body; no form here takes either, so neither is read and the fields count as not filled in.
        wrapped = super().wrap_formdata(form, formdata)
        if wrapped is not None and wrapped is not formdata and wrapped is not request.form:
            return request.form
        return wrapped

    def bind_field(self, form, unbound_field, options):
        filters = [_printable]
        one_line = issubclass(unbound_field.field_class, StringField) and not issubclass(
            unbound_field.field_class, (TextAreaField, PasswordField))
        if one_line:
            filters.append(_ascii_digits)
        options["filters"] = [*filters, *unbound_field.kwargs.get("filters", ())]
        return unbound_field.bind(form=form, **options)

    def get_translations(self, form):
        return _TRANSLATIONS


class ActionForm(FlaskForm):
    """A button that changes something (claim, add to my list, turn a mode on): only the CSRF token."""

    Meta = PortalMeta


# --- the one-time submission token ------------------------------------------------------------------
# A form that makes a record carries a token the server issued: signed with the app's secret, bound
# to the kind of form and to this browser session, and dated. The record stores a digest of it, so
# the same form sent twice finds the first record and gets the same reference. A missing, empty,
# forged, oversized or another visitor's token is never trusted: the form is shown again with a new
# one. The client's word never decides which record a confirmation shows.

VISITOR_KEY = "form_key"
TOKEN_MAX_LENGTH = 120  # a real token is about 60 characters; anything longer is refused unread
TOKEN_MAX_AGE = 24 * 3600  # seconds; the CSRF token expires sooner, and its expiry keeps the token


def visitor_key(create: bool = False) -> str | None:
    """A random id of this browser session: tokens are bound to it, and the session's own rate limits
    count by it. None until a form was shown or counted in this session, unless `create`."""
    key = session.get(VISITOR_KEY)
    if not isinstance(key, str) and create:
        key = session[VISITOR_KEY] = secrets.token_urlsafe(16)
    return key if isinstance(key, str) else None


def _signer(kind: str, key: str) -> TimestampSigner:
    return TimestampSigner(current_app.config["SECRET_KEY"], salt=f"portal-submission:{kind}:{key}",
                           digest_method=hashlib.sha256)


def issue_submission_token(kind: str) -> str:
    key = cast(str, visitor_key(create=True))  # with create=True there always is one
    return _signer(kind, key).sign(secrets.token_urlsafe(16)).decode()


def submission_key(kind: str, token) -> str | None:
    """The stored key (64 hex characters) of a token this server issued to this session for this kind
    of form, or None for anything else."""
    key = visitor_key()
    if not key or not isinstance(token, str) or not 0 < len(token) <= TOKEN_MAX_LENGTH or not token.isascii():
        return None
    try:
        nonce = _signer(kind, key).unsign(token, max_age=TOKEN_MAX_AGE).decode()
    except BadSignature:  # also an expired one (SignatureExpired is a BadSignature)
        return None
    return hashlib.sha256(f"{kind}:{nonce}".encode()).hexdigest()


TOKEN_REFUSED = _l(
    "We could not send the form this time. Your answers are still here: check them and press the button again.")


class PortalForm(FlaskForm):
    Meta = PortalMeta

    # Forms that make a record name their kind ("callback", "listing-report:12"): they then carry a
    # one-time submission token and refuse a post without a good one.
    submission_kind: str | None = None

    # Robots fill every field; people never see this one.
    website = StringField(_l("Leave this empty"))
    submission = HiddenField()

    def prepare(self) -> PortalForm:
        """Before the form is shown: a token for it, keeping the one sent if it is still good (so that
        the form shown again after an error or a failure still finds a record it already made)."""
        if self.submission_kind and self.submission_key is None:
            self.submission.data = issue_submission_token(self.submission_kind)
        return self

    @property
    def submission_key(self) -> str | None:
        return submission_key(self.submission_kind, self.submission.data) if self.submission_kind else None

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.submission_kind and self.submission_key is None:
            self.form_errors.append(TOKEN_REFUSED)
            return False
        return valid

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
