"""Statistics from the portal's own records, as the advice line reports them each quarter:
per month, by channel, language, notifier role and outcome, time to first contact, and the share
of callback requests reached within one working day. Which moves stamp the times counted here
(first contact, reached, closed) and how an ending is counted is in each kind's state table."""
from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from portal import db
from portal.callback.models import CallbackRequest
from portal.callback.states import CALLBACK
from portal.concern.models import ConcernNotice
from portal.concern.states import CONCERN
from portal.staff import topics
from portal.states import StateTable
from portal.workdays import working_days_between


@dataclass
class Report:
    start: dt.date
    end: dt.date  # inclusive
    months: list[str] = field(default_factory=list)  # "2026-01"
    callbacks_by_month: Counter = field(default_factory=Counter)
    concerns_by_month: Counter = field(default_factory=Counter)
    callback_languages: Counter = field(default_factory=Counter)
    concern_languages: Counter = field(default_factory=Counter)
    notifier_roles: Counter = field(default_factory=Counter)
    callback_outcomes: Counter = field(default_factory=Counter)
    concern_outcomes: Counter = field(default_factory=Counter)
    for_someone_else: int = 0
    callbacks: int = 0
    concerns: int = 0
    median_hours_to_contact: dict[str, float | None] = field(default_factory=dict)
    reached_within_one_working_day: float | None = None  # share of callback requests, 0..1
    closed_no_answer: int = 0
    # Topics for social reporting (portal/staff/topics.py): items tagged, per month and per quarter
    # ("2026 Q3") of the period, callback requests and concern notices together.
    topics: Counter = field(default_factory=Counter)
    topics_by_month: dict[str, Counter] = field(default_factory=dict)
    topics_by_quarter: dict[str, Counter] = field(default_factory=dict)
    tagged_items: int = 0
    # How the items that have ended ended, as their state tables count it ("resolved", "transferred",
    # "unreached", "duplicate", …), per kind.
    endings: dict[str, Counter] = field(default_factory=dict)
    # The nine outcome categories by the language of the call.
    callback_outcomes_by_language: dict[str, Counter] = field(default_factory=dict)

    def handled_here(self, kind: str | None = None) -> int:
        """Ended by the advice line's own work (not handed over, not unreached, not a duplicate)."""
        return sum(self.endings.get(k, Counter())["resolved"] for k in ([kind] if kind else self.endings))

    def transferred(self, kind: str | None = None) -> int:
        """Ended by an escorted hand-over to another unit."""
        return sum(self.endings.get(k, Counter())["transferred"] for k in ([kind] if kind else self.endings))


def _months(start: dt.date, end: dt.date) -> list[str]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(f"{day.year}-{day.month:02d}")
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def _in_period(model, start: dt.date, end: dt.date):
    return select(model).where(model.created_at >= dt.datetime.combine(start, dt.time(0)),
                               model.created_at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0)))


def _median_hours(records) -> float | None:
    hours = [(r.first_contact_at - r.created_at).total_seconds() / 3600 for r in records if r.first_contact_at]
    return round(statistics.median(hours), 1) if hours else None


def report(start: dt.date, end: dt.date) -> Report:
    r = Report(start, end, months=_months(start, end))
    callbacks = db.session().scalars(_in_period(CallbackRequest, start, end)).all()
    concerns = db.session().scalars(_in_period(ConcernNotice, start, end)).all()
    r.callbacks, r.concerns = len(callbacks), len(concerns)
    # "Closed after two unanswered calls": the states the callback table counts as ending unreached.
    unreached = CALLBACK.ends("unreached")
    for c in callbacks:
        r.callbacks_by_month[c.created_at.strftime("%Y-%m")] += 1
        r.callback_languages[c.call_language] += 1
        r.for_someone_else += c.for_someone_else
        if c.outcome:
            r.callback_outcomes[c.outcome] += 1
        r.closed_no_answer += c.status in unreached
    for n in concerns:
        r.concerns_by_month[n.created_at.strftime("%Y-%m")] += 1
        r.concern_languages[n.ui_language] += 1
        r.notifier_roles[n.notifier_role] += 1
        if n.outcome:
            r.concern_outcomes[n.outcome] += 1
    r.median_hours_to_contact = {"callback": _median_hours(callbacks), "concern": _median_hours(concerns)}
    for kind, table, records in (("callback", CALLBACK, callbacks), ("concern", CONCERN, concerns)):
        r.endings[kind] = Counter(ending for item in records if (ending := _ending(table, item.status)))
    for c in callbacks:
        if c.outcome:
            r.callback_outcomes_by_language.setdefault(c.call_language, Counter())[c.outcome] += 1
    _count_topics(r, callbacks, concerns)
    if callbacks:
        # "Reached" as the service counts it: the resident was spoken to, not merely called.
        quick = sum(1 for c in callbacks if c.reached_at and working_days_between(c.created_at, c.reached_at) <= 1)
        r.reached_within_one_working_day = quick / len(callbacks)
    return r


def _ending(table: StateTable, status: str) -> str | None:
    return table.states[status].ending if status in table.states else None


def quarter_of(month: str) -> str:
    """"2026-08" → "2026 Q3"."""
    year, number = month.split("-")
    return f"{year} Q{(int(number) - 1) // 3 + 1}"


def _count_topics(r: Report, callbacks, concerns) -> None:
    for kind, records in (("callback", callbacks), ("concern", concerns)):
        tagged = topics.topics_by_item(kind, [item.id for item in records])
        for item in records:
            codes = tagged.get(item.id)
            if not codes:
                continue
            r.tagged_items += 1
            month = item.created_at.strftime("%Y-%m")
            r.topics.update(codes)
            r.topics_by_month.setdefault(month, Counter()).update(codes)
            r.topics_by_quarter.setdefault(quarter_of(month), Counter()).update(codes)


def share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0
