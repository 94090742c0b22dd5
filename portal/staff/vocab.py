"""The staff side's words: outcome codes, answers, notifier roles, audit actions and kinds. The states,
their labels and the moves between them are in each kind's state table (portal/callback/states.py,
portal/concern/states.py, portal/staff/listing_states.py)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.callback.states import (
    CALLBACK,
    NO_ANSWER as NO_ANSWER,  # the demo history closes unanswered calls with it
)
from portal.concern.states import CONCERN

# The outcome codes belong to each kind's state table; named here too for the staff pages and the demo.
CALLBACK_OUTCOMES, CONCERN_OUTCOMES = CALLBACK.outcomes, CONCERN.outcomes

# Residents answer in the first person ("I don't know", "I am writing about myself"); staff read third person.
ANSWER_LABELS = {"yes": _l("Yes"), "no": _l("No"), "unknown": _l("Not known")}
NOTIFIER_ROLES = {
    "relative": _l("Relative"), "neighbour": _l("Neighbour"), "friend": _l("Friend or acquaintance"),
    "professional": _l("Professional"), "organisation": _l("Organisation, parish or company"),
    "self": _l("The older person themself"),
}
AUDIT_ACTIONS = {
    "view": _l("Viewed"), "claim": _l("Claimed"), "no_answer": _l("No answer"), "reached": _l("Reached"),
    "assess": _l("Assessment started"), "close": _l("Closed"), "note": _l("Note added"), "edit": _l("Listing edited"),
    "propose": _l("Change proposed"), "approved": _l("Change approved"), "rejected": _l("Change rejected"),
    "create": _l("Account created"), "deactivate": _l("Account taken out of use"),
    "activate": _l("Account taken into use"),
    "reset-code": _l("Authenticator app reset"), "resolve": _l("Report resolved"),
    "topics": _l("Topics changed"),
    # Case work (portal/staff/duplicates.py, handover.py, followups.py).
    "duplicate_check": _l("Checked for duplicates"), "duplicate_flagged": _l("Flagged as a possible duplicate"),
    "duplicate_linked": _l("Duplicates linked"), "duplicate_merged": _l("Duplicates merged"),
    "duplicate_dismissed": _l("Duplicate flag dismissed"), "merged": _l("Closed as a duplicate"),
    "hand_over": _l("Handed over"), "hand_over_unit": _l("Receiving unit recorded"),
    "follow_up_set": _l("Check-in call set"), "follow_up_claim": _l("Check-in call claimed"),
    "follow_up_no_answer": _l("Check-in call: no answer"), "follow_up_reached": _l("Check-in call: reached"),
}
KIND_LABELS = {"callback": _l("Callback request"), "concern": _l("Concern notice")}
URGENCY_LABELS = {"danger": _l("Notifier said someone was in danger"),
                  "health": _l("Notifier was worried about health today")}
