"""The state tables of advisers' case work beside the items themselves: a check-in call set when closing
(worked like a callback request: claim, two attempts, reached) and a duplicate flag between two items
(linked, merged or dismissed). Moves on the items (hand-over, closing as a duplicate) are rows in the
items' own tables (portal/callback/states.py, portal/concern/states.py)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.states import State, StateTable, Transition

ADVISER = ("adviser",)

FOLLOWUP_OUTCOMES = {
    "moved_forward": _l("Things have moved forward"),
    "advised_again": _l("Still difficult: advised again"),
    "new_request": _l("Needs more help: a new request or notice was made"),
    "no_answer": _l("No answer twice"),
}

FOLLOWUP = StateTable(
    "followup",
    states=[
        State("scheduled", _l("Check-in call due")),
        State("claimed", _l("Claimed")),
        State("attempt_1", _l("Called once, no answer")),
        State("done", _l("Checked in"), ending="resolved"),
        State("closed_no_answer", _l("Closed: no answer twice"), ending="unreached"),
    ],
    transitions=[
        Transition("claim", "scheduled", "claimed", _l("Claim"), ADVISER, holder_only=False, claims=True,
                   in_queue=True),
        # The same two-attempt rule as a callback request, with the same wait between the attempts.
        Transition("no-answer", "claimed", "attempt_1", _l("No answer"), ADVISER, audit="no_answer"),
        Transition("no-answer", "attempt_1", "closed_no_answer", _l("No answer: the second time closes it"), ADVISER,
                   closes=True, outcome="no_answer", audit="no_answer", waits="CALLBACK_ATTEMPT_INTERVAL_MINUTES"),
        Transition("reached", "claimed", "done", _l("Reached: record how it went"), ADVISER, contact=True,
                   closes=True, chooses_outcome=True),
        Transition("reached", "attempt_1", "done", _l("Reached: record how it went"), ADVISER, contact=True,
                   closes=True, chooses_outcome=True),
    ],
    outcomes=FOLLOWUP_OUTCOMES,
)

# Why two items were flagged as maybe the same person.
DUPLICATE_REASONS = {"person": _l("the same name and year of birth"), "phone": _l("the same phone number"),
                     "address": _l("the same address")}

# A flag has no holder: any adviser may decide it, and the first decision wins.
DUPLICATE_FLAG = StateTable(
    "duplicate_flag",
    states=[
        State("flagged", _l("Possible duplicate")),
        State("linked", _l("Linked: both go on")),
        State("merged", _l("Merged"), ending="merged"),
        State("dismissed", _l("Not the same person"), ending="dismissed"),
    ],
    transitions=[
        Transition("link", "flagged", "linked", _l("Link them: both go on"), ADVISER, holder_only=False,
                   audit="duplicate_linked"),
        Transition("merge", "flagged", "merged", _l("Merge"), ADVISER, holder_only=False, closes=True,
                   audit="duplicate_merged"),
        Transition("merge", "linked", "merged", _l("Merge"), ADVISER, holder_only=False, closes=True,
                   audit="duplicate_merged"),
        Transition("dismiss", "flagged", "dismissed", _l("Not the same person"), ADVISER, holder_only=False,
                   closes=True, audit="duplicate_dismissed"),
    ],
)
