"""The staff side's words: states and outcome codes. Callbacks use the advice line's nine reporting categories (Seniori-info quarterly
report, Q3 2020); concern notices use the outcomes of their handling."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

CALLBACK_OUTCOMES = {
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

CONCERN_OUTCOMES = {
    "advice_given": _l("Advice given"),
    "referred_organisation": _l("Referred to an organisation"),
    "care_network_informed": _l("Existing care network informed"),
    "service_need_assessment": _l("Forwarded to service-need assessment"),
    "no_action": _l("No action needed"),
    "duplicate": _l("Duplicate"),
}

STATE_LABELS = {
    "new": _l("New"), "claimed": _l("Claimed"), "attempt_1": _l("Called once, no answer"),
    "closed_no_answer": _l("Closed: no answer twice"), "reached": _l("Reached"), "closed": _l("Closed"),
    "received": _l("Received"), "triage": _l("Triage"), "assessment": _l("Being assessed"),
}
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
    "create": _l("Account created"), "deactivate": _l("Account taken out of use"), "activate": _l("Account taken into use"),
    "reset-code": _l("Authenticator app reset"), "resolve": _l("Report resolved"),
}
KIND_LABELS = {"callback": _l("Callback request"), "concern": _l("Concern notice")}
URGENCY_LABELS = {"danger": _l("Notifier said someone was in danger"), "health": _l("Notifier was worried about health today")}
