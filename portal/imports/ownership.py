"""Which of an imported activity's editing-form fields the source owns. The importer replaces these on
every run (see portal/imports/linked_events.py and calendars.py), so the staff editor shows them without
letting them be changed, and the server puts the stored value back whatever was posted: an edit there
would be lost at the next sync, and a client can post anything. The editor's form helpers are in
portal/staff/source_fields.py, which portal/imports/views.py tells how to find an activity's source."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.catalogue import vocab
from portal.imports.models import SourceLink

# Written by every import, Linked Events and the calendars alike: name, description and the dates.
COMMON = ("weekly", "dates", "cancelled")
# Linked Events also owns these (linked_events._write sets them from the event and its place).
LINKED_EVENTS = ("venue_id", "organiser_id", "categories", "audiences", "languages", "price_euros")


def owned_fields(link: SourceLink | None) -> set[str]:
    """Form field names ("categories", "text_fi.name", …) that `link`'s source writes; empty when typed in."""
    if link is None:
        return set()
    owned = set(COMMON)
    texts = ("name", "description")
    if link.source == "linked_events":
        owned |= set(LINKED_EVENTS)
        record = (link.state or {}).get("record") or {}
        # A short description from the source replaces the summary; where it gives none, the editor's
        # plain summary is kept, so it stays editable.
        shorts = record.get("shorts") or {}
        owned |= {f"text_{lang}.summary" for lang in shorts}
        languages = set(record.get("names") or {}) or set(vocab.UI_LANGUAGES)
    else:
        languages = set(vocab.UI_LANGUAGES)
    owned |= {f"text_{lang}.{field}" for lang in languages for field in texts}
    return owned


def explanation(link: SourceLink) -> str:
    if link.source == "linked_events":
        return str(_l("This comes from Linked Events and is updated from there."))
    return str(_l("This comes from the organiser's own calendar and is updated from there."))
