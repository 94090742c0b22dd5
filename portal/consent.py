"""Whether the person a contact is about knows about it and agrees: asked on the callback form when
someone asks for a call for another person, and on every concern notice (its `person_knows`). One
vocabulary for both, so advisers read the same words on every item."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

CONSENT_CHOICES = [
    ("yes", _l("Yes, they know and agree")),
    ("no", _l("No, they do not know, or they do not agree")),
    ("cannot_ask", _l("I cannot ask them")),
]
# What advisers read. Concern notices sent before the question asked about agreeing stored
# "unknown" (the notifier did not know whether the person knew).
ADVISER_LABELS = {
    "yes": _l("Knows and agrees"),
    "no": _l("Does not know, or does not agree"),
    "cannot_ask": _l("Could not be asked"),
    "unknown": _l("Not known"),
}
CONSENT_CODES = tuple(code for code, _label in CONSENT_CHOICES)
