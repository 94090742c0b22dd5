"""The life of an organiser's proposed change to a listing: it waits for an editor, who approves it
(the listing is written and shown) or rejects it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.states import State, StateTable, Transition

EDITOR = ("editor",)

LISTING_CHANGE = StateTable(
    "listing_change",
    states=[
        State("pending", _l("Waiting for review")),
        State("approved", _l("Change approved"), ending="approved"),
        State("rejected", _l("Change rejected"), ending="rejected"),
    ],
    transitions=[
        # Any editor decides: a proposal is nobody's to hold. The audit log names the decision.
        Transition("approve", "pending", "approved", _l("Approve and show"), EDITOR, holder_only=False,
                   closes=True, audit="approved"),
        Transition("reject", "pending", "rejected", _l("Reject"), EDITOR, holder_only=False,
                   closes=True, audit="rejected"),
    ],
)
