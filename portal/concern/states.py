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
    ],
    transitions=[
        Transition("claim", "received", "triage", _l("Claim"), ADVISER, holder_only=False, claims=True, in_queue=True),
        # The adviser has reached the older person (or those close to them): the first contact.
        Transition("assess", "triage", "assessment", _l("Older person contacted: start assessment"), ADVISER,
                   contact=True),
        # Triage may already settle it (a duplicate, no action needed), without an assessment.
        Transition("close", "triage", "closed", _l("Close"), ADVISER, closes=True, chooses_outcome=True),
        Transition("close", "assessment", "closed", _l("Close"), ADVISER, closes=True, chooses_outcome=True),
    ],
    outcomes=OUTCOMES,
)
