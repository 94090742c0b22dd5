"""The life of a callback request, as the advice line works it: new → claimed → attempt 1 no answer →
attempt 2 no answer → closed, no answer; or reached → closed with an outcome. Outcomes are the advice
line's nine reporting categories (Seniori-info quarterly report, Q3 2020)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.states import State, StateTable, Transition

OUTCOMES = {
    "existing_client_advice": _l("Advice to a person who is already a client"),
    "health_station_advice": _l("Advice on health stations and oral health care"),
    "authority_advice": _l("Advice to an authority, directed to the right partner"),
    "new_client_assessment": _l("New client forwarded to assessment for support and care services"),
    "ngo_private_info": _l("Information on services of organisations and companies"),
    "city_services_advice": _l("Advice on city services or social and health services in general"),
    "info_by_mail": _l("Information sent by letter or e-mail"),
    "further_investigation": _l("Further investigation of the matter"),
    "other_no_answer": _l("Other: no answer, already resolved or wrong number"),
}
# The outcome a callback gets when the second call attempt is not answered, as the service does today.
NO_ANSWER = "other_no_answer"

ADVISER = ("adviser",)

CALLBACK = StateTable(
    "callback",
    states=[
        State("new", _l("New"), resident=_l("Received. An adviser will call.")),
        State("claimed", _l("Claimed"), resident=_l("An adviser is handling your request.")),
        State("attempt_1", _l("Called once, no answer"),
              resident=_l("We tried to call once but could not reach you. We will try once more.")),
        State("reached", _l("Reached"), resident=_l("We have talked with you.")),
        State("closed_no_answer", _l("Closed: no answer twice"), ending="unreached",
              resident=_l("Closed: we tried to call twice but could not reach you. Please call us, or ask again.")),
        State("closed", _l("Closed"), ending="resolved",
              resident=_l("Done: we have talked with you. If the difficulty comes back, call us or ask for a call "
                          "again.")),
        # Escorted hand-over (saattaen vaihto): another unit handles it now; the status page names the unit.
        State("handed_over", _l("Handed over"), ending="transferred",
              resident=_l("Passed on: another service handles your matter now.")),
        # Merged into another open request of the same person: that one goes on.
        State("closed_duplicate", _l("Closed: a duplicate"), ending="duplicate",
              resident=_l("Joined to your other request: we handle them together.")),
    ],
    transitions=[
        Transition("claim", "new", "claimed", _l("Claim"), ADVISER, holder_only=False, claims=True, in_queue=True),
        # An unanswered call is not contact: the first contact is when the resident is reached. The
        # second attempt waits (CALLBACK_ATTEMPT_INTERVAL_MINUTES) so that it can reach someone new.
        Transition("no-answer", "claimed", "attempt_1", _l("No answer"), ADVISER, audit="no_answer",
                   stamps=("first_attempt_at",)),
        Transition("no-answer", "attempt_1", "closed_no_answer", _l("No answer: the second time closes it"), ADVISER,
                   closes=True, outcome=NO_ANSWER, audit="no_answer", waits="CALLBACK_ATTEMPT_INTERVAL_MINUTES"),
        Transition("reached", "claimed", "reached", _l("Reached"), ADVISER, contact=True, stamps=("reached_at",)),
        Transition("reached", "attempt_1", "reached", _l("Reached"), ADVISER, contact=True, stamps=("reached_at",)),
        Transition("close", "reached", "closed", _l("Close"), ADVISER, closes=True, chooses_outcome=True),
        # Hand-over and merge need their own forms (portal/staff/handover.py, duplicates.py): the unit and
        # its outcome code, or the request that stays open. A new request nobody holds may be merged.
        *[Transition("hand-over", source, "handed_over", _l("Hand over"), ADVISER, closes=True,
                     chooses_outcome=True, audit="hand_over", form="hand-over")
          for source in ("claimed", "attempt_1", "reached")],
        Transition("merge", "new", "closed_duplicate", _l("Close as a duplicate"), ADVISER, holder_only=False,
                   closes=True, audit="merged", form="merge"),
        *[Transition("merge", source, "closed_duplicate", _l("Close as a duplicate"), ADVISER, closes=True,
                     audit="merged", form="merge") for source in ("claimed", "attempt_1", "reached")],
    ],
    outcomes=OUTCOMES,
)
