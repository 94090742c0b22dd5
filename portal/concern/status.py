"""What a notifier may learn about their notice: only whether it is received, being handled or closed
(and whether it was passed on to another service), never what was found or done. Worked out from the
state table, so a state added later is told in one of these words too."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.concern.states import CONCERN

NOTIFIER_TEXTS = {
    "received": _l("Received. An adviser will read it soon."),
    "handling": _l("Being handled. An adviser is working on it."),
    "closed": _l("Closed. An adviser has handled it."),
    "passed_on": _l("Closed. It was passed on to the service that can help."),
}
# Outcomes that mean another service took the matter on: the notifier hears that, never which one.
PASSED_ON_OUTCOMES = frozenset({"referred_organisation", "care_network_informed", "service_need_assessment"})


def notifier_status(status: str, outcome: str | None) -> str:
    """One of NOTIFIER_TEXTS' keys for a notice in this state with this outcome."""
    state = CONCERN.state(status)
    if state.open:
        return "received" if status == CONCERN.first else "handling"
    if state.ending == "transferred" or outcome in PASSED_ON_OUTCOMES:
        return "passed_on"
    return "closed"
