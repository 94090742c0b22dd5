"""The words of the queue's filters: for each filter (portal/staff/queue.py FILTERS) its values, in the
order the page lists them, with what staff read. The states come from the kinds' state tables."""
from __future__ import annotations

from flask_babel import LazyString, lazy_gettext as _l

from portal.catalogue.vocab import DISTRICTS
from portal.formatting import language_name
from portal.staff import queue
from portal.staff.vocab import KIND_LABELS

LEGENDS = {
    "kind": _l("Type"), "language": _l("Language"), "urgency": _l("Urgency"), "district": _l("Area"),
    "state": _l("State"), "due": _l("Waiting time"), "holder": _l("Who has it"),
}


def options() -> dict[str, dict[str, str | LazyString]]:
    """Each filter's values and labels, in the page's language."""
    states: dict[str, str | LazyString] = {}
    for table in queue.TABLES.values():
        for code in table.open_states:
            states.setdefault(code, table.state(code).label)
    return {
        "kind": dict(KIND_LABELS),
        "language": {**{code: language_name(code) for code in queue.LANGUAGES[:-1]}, "other": _l("Another language")},
        "urgency": {"urgent": _l("Urgent"), "not_urgent": _l("Not urgent")},
        "district": {**{code: label for code, (label, _hint) in DISTRICTS.items()}, "unknown": _l("Area not known")},
        "state": states,
        "due": {"overdue": _l("Over a working day"), "in_time": _l("Less than a working day")},
        "holder": {"mine": _l("Mine"), "unassigned": _l("Nobody's yet"), "others": _l("Another adviser's")},
    }
