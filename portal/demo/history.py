"""A year of synthetic callback requests and concern notices (`flask --app app demo history`), so the
queue and the statistics show something meaningful. Proportions follow the advice line's Q3 2020
report where it gives them (outcomes of contacts, the small Swedish share, relatives filing most
concern notices); the rest are plausible. Deterministic for a given seed and moment.

It never destroys real data by surprise: what residents sent (anything whose form token is not one of
the demo's) is counted first, and the command refuses while any exists unless told to replace it
(`--replace`). Nothing it makes is dated later than the moment it runs."""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, or_, select, true

from portal import crypto, db
from portal.callback.models import CallbackRequest
from portal.concern.models import ConcernNotice
from portal.db import utcnow
from portal.feedback.models import ListingReport
from portal.references import new_reference
from portal.resident_feedback.models import ContactAnswers, FoundAnswer
from portal.staff import duplicates, topics
from portal.staff.casework_states import FOLLOWUP
from portal.staff.models import DuplicateFlag, FollowUp, Handover, ItemNote, MatchKey
from portal.staff.queue import TABLES
from portal.staff.vocab import CALLBACK_OUTCOMES, CONCERN_OUTCOMES, NO_ANSWER
from portal.workdays import add_working_days, is_working_day

FIRST_NAMES = ("Aino", "Eila", "Raili", "Pentti", "Kalevi", "Marjatta", "Seppo", "Helena", "Märta", "Gunnar", "Irja",
               "Tuula", "Olavi", "Leena", "Birgitta", "Esko", "Anneli", "Veikko", "Sirkka", "Ahmed", "Olga")
LAST_NAMES = ("Virtanen", "Korhonen", "Nieminen", "Mäkinen", "Lindholm", "Heikkinen", "Koskinen", "Laine",
              "Nyström", "Salo", "Hämäläinen", "Lehtonen", "Karlsson", "Rantanen", "Ivanova")
# Shares of the nine resolution categories in the Q3 2020 report (per cent).
CALLBACK_OUTCOME_WEIGHTS = {"existing_client_advice": 23, "health_station_advice": 7, "authority_advice": 5,
                            "new_client_assessment": 11, "ngo_private_info": 5, "city_services_advice": 19,
                            "info_by_mail": 3, "further_investigation": 8, NO_ANSWER: 19}
CONCERN_OUTCOME_WEIGHTS = {"advice_given": 22, "referred_organisation": 14, "care_network_informed": 26,
                           "service_need_assessment": 28, "no_action": 7, "duplicate": 3}
ROLE_WEIGHTS = {"relative": 55, "neighbour": 14, "professional": 16, "friend": 6, "organisation": 4, "self": 5}
WORRY_CODES = ("memory", "coping", "loneliness", "safety", "falls", "food", "hygiene", "carer", "substances", "money")
if set(CALLBACK_OUTCOME_WEIGHTS) != set(CALLBACK_OUTCOMES) or set(CONCERN_OUTCOME_WEIGHTS) != set(CONCERN_OUTCOMES):
    raise RuntimeError("the demo's outcome weights must name every outcome")


# The submission key of everything this module makes starts so; a real form's key is 64 hex digits.
DEMO_PREFIX = "history-"


@dataclass(frozen=True)
class SubmissionKind:
    """A kind of thing residents send. `replaced`: this command deletes and remakes it; otherwise it
    is only counted (its presence means the database is in real use) and always kept."""

    label: str  # plural, for the command's messages
    model: Any
    replaced: bool
    note_type: str | None = None  # ItemNote.item_type of the staff notes on it, deleted along with it

    def real(self) -> Any:
        """The condition for rows that a resident sent, not this demo."""
        column = getattr(self.model, "submission", None)
        if column is None:
            return true()  # anonymous answers carry no form token: the demo never makes them, so all are real
        return or_(column.is_(None), ~column.startswith(DEMO_PREFIX))


# Extend this list when the demo makes (or must respect) another kind of submission.
SUBMISSION_KINDS: list[SubmissionKind] = [
    SubmissionKind("callback requests", CallbackRequest, replaced=True, note_type="callback"),
    SubmissionKind("concern notices", ConcernNotice, replaced=True, note_type="concern"),
    SubmissionKind("listing reports", ListingReport, replaced=False),
    SubmissionKind("feedback questionnaires", ContactAnswers, replaced=False),
    SubmissionKind("search feedback answers", FoundAnswer, replaced=False),
]


def real_submissions() -> dict[str, int]:
    """How many real (not demo) submissions of each kind the database holds; kinds with none left out."""
    session = db.session()
    counts = {kind.label: session.scalar(select(func.count()).select_from(kind.model).where(kind.real())) or 0
              for kind in SUBMISSION_KINDS}
    return {label: n for label, n in counts.items() if n}


def described(counts: dict[str, int]) -> str:
    """{"callback requests": 1, "concern notices": 3} -> "1 callback request, 3 concern notices"."""
    return ", ".join(f"{n} {label.removesuffix('s') if n == 1 else label}" for label, n in counts.items())


def to_delete() -> dict[str, int]:
    """What `generate` deletes: every row of the replaced kinds, real or demo."""
    session = db.session()
    return {kind.label: session.scalar(select(func.count()).select_from(kind.model)) or 0
            for kind in SUBMISSION_KINDS if kind.replaced}


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _working_moment(rng: random.Random, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rng.randint(6, 13), rng.randint(0, 59)))  # UTC: 8–16 in Helsinki


def _phone(rng: random.Random) -> str:
    return f"+35840{rng.randint(1000000, 9999999)}"


def generate(now: dt.datetime | None = None, seed: int = 2026) -> dict[str, int]:
    """Replace all callback requests and concern notices (and the staff notes on them) with a year of
    history up to `now` (UTC, without a zone; default: this moment). Callers check real_submissions()
    first. Nothing is dated after `now`: what would have happened later is still waiting."""
    now = now or utcnow()
    today = now.date()
    rng = random.Random(seed)
    session = db.session()
    for kind in SUBMISSION_KINDS:
        if kind.replaced:
            if kind.note_type:
                session.execute(delete(ItemNote).where(ItemNote.item_type == kind.note_type))
                topics.forget_kind(kind.note_type)
                # Hand-overs, check-in calls and duplicate keys and flags go with the items they are about.
                for model in (Handover, FollowUp, MatchKey):
                    session.execute(delete(model).where(model.item_type == kind.note_type))
                session.execute(delete(DuplicateFlag).where(or_(DuplicateFlag.item_type == kind.note_type,
                                                                DuplicateFlag.other_type == kind.note_type)))
            session.execute(delete(kind.model))
    counts = {"callback requests": 0, "concern notices": 0}
    day = today - dt.timedelta(days=365)
    while day <= today:
        if is_working_day(day):
            for _ in range(rng.randint(2, 7)):
                callback = _callback(rng, day, today, now)
                if callback.created_at <= now:
                    session.add(callback)
                    counts["callback requests"] += 1
            for _ in range(rng.randint(1, 4)):
                concern = _concern(rng, day, today, now)
                if concern.created_at <= now:
                    session.add(concern)
                    counts["concern notices"] += 1
        day += dt.timedelta(days=1)
    session.flush()
    _casework(rng, today, now)
    _topics(rng)
    return counts


# Topics the advisers tagged for social reporting (portal/staff/topics.py), from what a request was about
# and how it was resolved, on most items someone finished (not the unanswered ones or duplicates). The
# Q3 2020 report's phenomena come out near the top: finding the right service, carers, insecurity, digital.
TAGGED_SHARE = 0.85
CALLBACK_TOPIC_TOPICS = {"home": "mobility", "health": "health_station", "money": "errands", "carer": "carer",
                         "activities": "loneliness", "digital": "digital"}
OUTCOME_TOPICS = {"existing_client_advice": "own_worker", "health_station_advice": "health_station",
                  "new_client_assessment": "home_care", "ngo_private_info": "ngo_private",
                  "city_services_advice": "right_service", "further_investigation": "right_service",
                  "authority_advice": "right_service"}
WORRY_TOPICS = {"memory": "memory", "coping": "mobility", "loneliness": "loneliness", "safety": "insecurity",
                "falls": "mobility", "food": "errands", "hygiene": "home_care", "carer": "carer",
                "substances": "mood_substances", "money": "errands"}


def _topics(rng: random.Random) -> None:
    session = db.session()
    finished: list[CallbackRequest | ConcernNotice] = [
        *session.scalars(select(CallbackRequest).where(CallbackRequest.closed_at.is_not(None))
                         .order_by(CallbackRequest.id)),
        *session.scalars(select(ConcernNotice).where(ConcernNotice.closed_at.is_not(None)).order_by(ConcernNotice.id))]
    for record in finished:
        if record.outcome in (NO_ANSWER, "duplicate") or record.closed_at is None or rng.random() > TAGGED_SHARE:
            continue
        if isinstance(record, CallbackRequest):
            kind, codes = "callback", [CALLBACK_TOPIC_TOPICS.get(record.topic or ""),
                                       OUTCOME_TOPICS.get(record.outcome or "")]
        else:
            kind, codes = "concern", [WORRY_TOPICS.get(worry) for worry in record.worries]
        topics.add_to_history(kind, record.id, [code for code in codes if code], record.closed_at)


# Case work on the history (portal/staff/handover.py, followups.py, duplicates.py), in shares the Q3 2020
# report suggests: of the concern notices it recorded, 20 % were handled by the advice line itself and
# the rest were passed on; a check-in call after some of the closed contacts (the outreach pilot's
# kuulumissoitto); a few repeated contacts about the same person, merged.
HANDED_OVER = {  # outcome -> the unit such an item is handed to (codes of SERVICE["handover_units"])
    ("callback", "new_client_assessment"): "service_need_assessment",
    ("concern", "service_need_assessment"): "service_need_assessment",
    ("concern", "referred_organisation"): ("mereo", "kapyrinne", "seniori_vamos", "omakotisaatio"),
}
HANDOVER_NOTES = ("Kotona asuminen vaikeutunut, toivoo arviointia.", "Omainen huolissaan, sovittu yhteydenotosta.",
                  "Asiakas suostui kuulumissoittoon.")
FOLLOW_UP_SHARE = {"callback": 0.12, "concern": 0.08}
FOLLOW_UP_WEIGHTS = {"moved_forward": 60, "advised_again": 25, "new_request": 5, "no_answer": 10}


def _casework(rng: random.Random, today: dt.date, now: dt.datetime) -> dict[str, int]:
    session = db.session()
    counts = {"hand-overs": 0, "check-in calls": 0, "duplicates": 0}
    items: list[tuple[str, Any]] = [("callback", r) for r in session.scalars(select(CallbackRequest)
                                                                               .order_by(CallbackRequest.id))]
    items += [("concern", r) for r in session.scalars(select(ConcernNotice).order_by(ConcernNotice.id))]
    previous: dict[str, Any] = {}
    for kind, record in items:
        unit = HANDED_OVER.get((kind, record.outcome or ""))
        if unit and record.status == "closed":
            code = rng.choice(unit) if isinstance(unit, tuple) else unit
            record.status = "handed_over"
            session.add(Handover(item_type=kind, item_id=record.id, unit=code, staff_id=None, at=record.closed_at,
                                 consent="yes" if isinstance(unit, tuple) else None,
                                 note=crypto.encrypt(rng.choice(HANDOVER_NOTES))))
            counts["hand-overs"] += 1
        elif record.status == "closed" and record.outcome != "duplicate" and rng.random() < FOLLOW_UP_SHARE[kind]:
            counts["check-in calls"] += _follow_up(rng, kind, record, today, now)
        if kind == "concern" and record.outcome == "duplicate" and (earlier := previous.get(kind)) is not None:
            _merged(kind, record, earlier)
            counts["duplicates"] += 1
        previous[kind] = record
    # One pair still waiting in each kind, flagged as a new item arrives about the person of an earlier
    # one (so the queue shows the decision to make), then the keys of every open item for new arrivals.
    for kind in ("callback", "concern"):
        waiting = [r for k, r in items if k == kind and TABLES[k].state(r.status).open]
        if len(waiting) >= 2:
            _same_person(kind, waiting[-1], waiting[0])
            counts["duplicates"] += 1
    for kind, record in items:
        if TABLES[kind].state(record.status).open:
            duplicates.remember(kind, record)
    return counts


def _same_person(kind: str, record: Any, earlier: Any) -> None:
    if kind == "callback":
        record.phone, reasons = earlier.phone, ["phone"]
    else:
        personal = crypto.decrypt(record.personal) if record.personal else {}
        personal.update({k: v for k, v in crypto.decrypt(earlier.personal).items() if k in ("name", "age")})
        record.personal, reasons = crypto.encrypt(personal), ["person"]
    db.session().add(DuplicateFlag(item_type=kind, item_id=record.id, other_type=kind, other_id=earlier.id,
                                   reasons=reasons, status="flagged", created_at=record.created_at))


def _merged(kind: str, record: ConcernNotice, earlier: ConcernNotice) -> None:
    """A second notice about the person of the one before it, closed as its duplicate."""
    if earlier.personal:
        personal = crypto.decrypt(record.personal) if record.personal else {}
        personal.update({k: v for k, v in crypto.decrypt(earlier.personal).items() if k in ("name", "age", "address")})
        record.personal = crypto.encrypt(personal)
    record.status = "closed_duplicate"
    db.session().add(DuplicateFlag(item_type=kind, item_id=record.id, other_type=kind, other_id=earlier.id,
                                   reasons=["person"], status="merged", kept="other", created_at=record.created_at,
                                   decided_at=record.closed_at))


def _follow_up(rng: random.Random, kind: str, record: CallbackRequest | ConcernNotice, today: dt.date,
               now: dt.datetime) -> int:
    if record.closed_at is None:
        return 0
    due = add_working_days(record.closed_at.date(), rng.choice((2, 3, 5)))
    call = FollowUp(item_type=kind, item_id=record.id, due_on=due, status=FOLLOWUP.first, created_by_id=None,
                    created_at=record.closed_at, status_changed_at=record.closed_at)
    if due < today:  # its day has passed: called
        outcome = _pick(rng, FOLLOW_UP_WEIGHTS)
        done = _working_moment(rng, due)
        call.status = "closed_no_answer" if outcome == "no_answer" else "done"
        call.outcome, call.closed_at, call.status_changed_at = outcome, done, done
        call.first_contact_at = None if outcome == "no_answer" else done
    db.session().add(call)
    return 1


def _still_waiting(record: CallbackRequest | ConcernNotice, status: str) -> None:
    """Back to the queue as it arrived: nobody has acted on it yet."""
    record.status, record.status_changed_at = status, record.created_at
    record.first_contact_at = record.closed_at = record.outcome = None


def _callback(rng: random.Random, day: dt.date, today: dt.date, now: dt.datetime) -> CallbackRequest:
    created = _working_moment(rng, day)
    helping = rng.random() < 0.3
    record = CallbackRequest(
        reference=new_reference(), submission=f"history-{rng.getrandbits(64):x}", created_at=created,
        status_changed_at=created, ui_language=_pick(rng, {"fi": 88, "sv": 7, "en": 5}), for_someone_else=helping,
        name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", phone=_phone(rng),
        call_language=_pick(rng, {"fi": 90, "sv": 6, "en": 2, "other": 2}),
        time_window=rng.choice(("morning", "afternoon", "any")), topic=rng.choice(("home", "health", "money", "carer",
                                                                                  "activities", "digital", None)),
        voicemail_ok=rng.random() < 0.6,
        helper_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" if helping else None,
    )
    if record.call_language == "other":
        record.interpreter_language = rng.choice(("venäjä", "arabia", "somali", "viro"))
    if (today - day).days < 3:
        return record  # still waiting in the queue: new, held by nobody
    first = created + dt.timedelta(hours=rng.choice((1, 2, 3, 5, 20, 26, 50)))
    outcome = _pick(rng, CALLBACK_OUTCOME_WEIGHTS)
    record.first_contact_at, record.outcome = first, outcome
    if outcome == NO_ANSWER:  # called twice, never reached: no contact (the first attempt is `first`)
        record.status, record.closed_at = "closed_no_answer", first + dt.timedelta(hours=rng.randint(3, 30))
        record.first_contact_at = None
    else:
        record.status, record.reached_at = "closed", first
        record.closed_at = first + dt.timedelta(minutes=rng.randint(10, 90))
    record.status_changed_at = record.closed_at
    if record.closed_at > now:  # it would end later than now: still new
        _still_waiting(record, "new")
        record.reached_at = None
    return record


def _concern(rng: random.Random, day: dt.date, today: dt.date, now: dt.datetime) -> ConcernNotice:
    created = _working_moment(rng, day) - dt.timedelta(hours=rng.choice((0, 0, 10)))
    anonymous = rng.random() < 0.25
    personal = {"name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", "age": str(rng.randint(66, 97)),
                "address": rng.choice(("Kallio", "Malmi", "Vuosaari", "Kontula", "Munkkiniemi", "Herttoniemi")),
                "details": "Synteettinen esimerkki."}
    if not anonymous:
        personal.update(contact_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", contact_phone=_phone(rng))
    record = ConcernNotice(
        reference=new_reference(), submission=f"history-{rng.getrandbits(64):x}", created_at=created,
        status_changed_at=created, ui_language=_pick(rng, {"fi": 91, "sv": 6, "en": 3}),
        urgency=_pick(rng, {"no": 90, "health": 8, "danger": 2}), notifier_role=_pick(rng, ROLE_WEIGHTS),
        anonymous=anonymous, existing_client=_pick(rng, {"yes": 50, "no": 35, "unknown": 15}),
        person_knows=_pick(rng, {"yes": 45, "no": 40, "unknown": 15}),
        worries=sorted(rng.sample(WORRY_CODES, k=rng.randint(1, 3))),
        district=rng.choice(("southern", "western", "central", "northern", "northeastern", "southeastern", "eastern")),
        personal=crypto.encrypt(personal),
    )
    if (today - day).days < 4:
        return record  # still waiting in the queue: received, held by nobody
    record.first_contact_at = dt.datetime.combine(add_working_days(created.date(), rng.choice((0, 1, 1, 2))),
                                                  dt.time(rng.randint(7, 13)))
    record.first_contact_at = max(record.first_contact_at, created + dt.timedelta(hours=1))
    record.status, record.outcome = "closed", _pick(rng, CONCERN_OUTCOME_WEIGHTS)
    record.closed_at = record.first_contact_at + dt.timedelta(days=rng.randint(0, 10))
    record.status_changed_at = record.closed_at
    if record.closed_at > now:  # it would end later than now: still received
        _still_waiting(record, "received")
    return record
