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
}
KIND_LABELS = {"callback": _l("Callback request"), "concern": _l("Concern notice")}
URGENCY_LABELS = {"danger": _l("Notifier said someone was in danger"),
                  "health": _l("Notifier was worried about health today")}
