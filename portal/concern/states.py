"""The life of a concern notice: received → triage → being assessed → closed with an outcome. The
notifier is told up front that they will not hear the outcome, so no state has words for them."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.states import State, StateTable, Transition

OUTCOMES = {
    "advice_given": _l("Advice given"),
    "referred_organisation": _l("Referred to an organisation"),
    "care_network_informed": _l("Existing care network informed"),
    "service_need_assessment": _l("Forwarded to service-need assessment"),
    "no_action": _l("No action needed"),
    "duplicate": _l("Duplicate"),
}

ADVISER = ("adviser",)

CONCERN = StateTable(
    "concern",
    states=[
        State("received", _l("Received")),
        State("triage", _l("Triage")),
        State("assessment", _l("Being assessed")),
        State("closed", _l("Closed"), ending="resolved"),
        # Escorted hand-over: another unit handles it now (the notifier may hear that, never to whom).
        State("handed_over", _l("Handed over"), ending="transferred"),
        State("closed_duplicate", _l("Closed: a duplicate"), ending="duplicate"),
    ],
    transitions=[
        Transition("claim", "received", "triage", _l("Claim"), ADVISER, holder_only=False, claims=True, in_queue=True),
        # The adviser has reached the older person (or those close to them): the first contact.
        Transition("assess", "triage", "assessment", _l("Older person contacted: start assessment"), ADVISER,
                   contact=True),
        # Triage may already settle it (a duplicate, no action needed), without an assessment.
        Transition("close", "triage", "closed", _l("Close"), ADVISER, closes=True, chooses_outcome=True),
        Transition("close", "assessment", "closed", _l("Close"), ADVISER, closes=True, chooses_outcome=True),
        # Hand-over and merge need their own forms (portal/staff/handover.py, duplicates.py). A notice
        # nobody has claimed yet may be merged into the one that goes on.
        *[Transition("hand-over", source, "handed_over", _l("Hand over"), ADVISER, closes=True,
                     chooses_outcome=True, audit="hand_over", form="hand-over") for source in ("triage", "assessment")],
        Transition("merge", "received", "closed_duplicate", _l("Close as a duplicate"), ADVISER, holder_only=False,
                   closes=True, outcome="duplicate", audit="merged", form="merge"),
        *[Transition("merge", source, "closed_duplicate", _l("Close as a duplicate"), ADVISER, closes=True,
                     outcome="duplicate", audit="merged", form="merge") for source in ("triage", "assessment")],
    ],
    outcomes=OUTCOMES,
)
