"""A year of synthetic callback requests and concern notices (`flask --app app demo history`), so the
queue and the statistics show something meaningful. Proportions follow the advice line's Q3 2020
report where it gives them (outcomes of contacts, the small Swedish share, relatives filing most
concern notices); the rest are plausible. Deterministic for a given seed and day."""
from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import delete

from portal import crypto, db
from portal.callback.models import CallbackRequest
from portal.concern.models import ConcernNotice
from portal.references import new_reference
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


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _working_moment(rng: random.Random, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rng.randint(6, 13), rng.randint(0, 59)))  # UTC: 8–16 in Helsinki


def _phone(rng: random.Random) -> str:
    return f"+35840{rng.randint(1000000, 9999999)}"


def generate(today: dt.date, seed: int = 2026) -> dict[str, int]:
    """Replace all callback requests and concern notices with a year of history. Commits."""
    rng = random.Random(seed)
    session = db.session()
    session.execute(delete(CallbackRequest))
    session.execute(delete(ConcernNotice))
    counts = {"callback requests": 0, "concern notices": 0}
    day = today - dt.timedelta(days=365)
    while day <= today:
        if is_working_day(day):
            for _ in range(rng.randint(2, 7)):
                session.add(_callback(rng, day, today))
                counts["callback requests"] += 1
            for _ in range(rng.randint(1, 4)):
                session.add(_concern(rng, day, today))
                counts["concern notices"] += 1
        day += dt.timedelta(days=1)
    return counts


def _callback(rng: random.Random, day: dt.date, today: dt.date) -> CallbackRequest:
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
    if outcome == NO_ANSWER:
        record.status, record.closed_at = "closed_no_answer", first + dt.timedelta(hours=rng.randint(3, 30))
    else:
        record.status, record.reached_at = "closed", first
        record.closed_at = first + dt.timedelta(minutes=rng.randint(10, 90))
    return record


def _concern(rng: random.Random, day: dt.date, today: dt.date) -> ConcernNotice:
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
    return record
