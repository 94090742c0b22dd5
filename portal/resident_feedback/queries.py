"""Storing the anonymous answers and counting them for the staff statistics."""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from portal import db
from portal.config import city_timezone
from portal.db import utcnow
from portal.resident_feedback.models import ContactAnswers, FoundAnswer, UsedFeedbackForm
from portal.resident_feedback.questions import CANNOT_SAY, POINTS, SMALLEST_SHOWN

# A used questionnaire token is kept this many days: a token is good for one (forms.TOKEN_MAX_AGE).
TOKENS_KEPT_DAYS = 2


def this_month() -> str:
    """The month in the city's time: the only time an answer keeps."""
    today = utcnow().replace(tzinfo=dt.UTC).astimezone(city_timezone()).date()
    return f"{today.year}-{today.month:02d}"


def save_contact_answers(channel: str, ui_language: str, answers: dict[str, int | None], submission: str) -> bool:
    """Store one questionnaire; False (nothing stored) when this form was already sent. The view commits."""
    session = db.session()
    today = utcnow().date()
    session.execute(delete(UsedFeedbackForm).where(UsedFeedbackForm.used_on < today - dt.timedelta(TOKENS_KEPT_DAYS)))
    if session.get(UsedFeedbackForm, submission) is not None:
        return False
    session.add(UsedFeedbackForm(submission=submission, used_on=today))
    try:
        session.flush()  # now, so that the same form sent twice at once is found here
    except IntegrityError:
        session.rollback()  # the other send stored it; nothing else of this request is written yet
        return False
    session.add(ContactAnswers(month=this_month(), channel=channel, ui_language=ui_language, **answers))
    return True


# What looks like a phone number (six digits or more, spaces and dashes allowed) or an e-mail address.
_CONTACT_DETAILS = re.compile(r"\+?\d[\d\s().\-/]{4,}\d|\S+@\S+")


def without_contact_details(text: str) -> str:
    """The words without anything that looks like a phone number or an e-mail address, which nobody
    should have to give here and nobody at the service needs."""
    return " ".join(_CONTACT_DETAILS.sub("…", text).split())


def save_found(found: bool, text: str | None, ui_language: str) -> None:
    cleaned = without_contact_details(text or "")
    db.session().add(FoundAnswer(month=this_month(), ui_language=ui_language, found=found, text=cleaned or None))


@dataclass
class PointFigures:
    """One quality point in one month (or the whole period): how many rated it 1-5, their average, and
    how many said "cannot say". The average is None when fewer than SMALLEST_SHOWN rated it."""

    rated: int = 0
    total: int = 0
    cannot_say: int = 0

    @property
    def average(self) -> float | None:
        return round(self.total / self.rated, 1) if self.rated >= SMALLEST_SHOWN else None


@dataclass
class Figures:
    months: list[str]
    answers_by_month: Counter = field(default_factory=Counter)  # questionnaires
    points_by_month: dict[str, dict[str, PointFigures]] = field(default_factory=dict)
    points: dict[str, PointFigures] = field(default_factory=dict)  # the whole period
    by_channel_language: Counter = field(default_factory=Counter)  # (channel, language): questionnaires
    found_by_month: dict[str, Counter] = field(default_factory=dict)  # month: {True: n, False: n}
    found_texts: list[tuple[str, bool, str]] = field(default_factory=list)  # (month, found, text), newest first

    @property
    def answers(self) -> int:
        return sum(self.answers_by_month.values())

    @property
    def found_answers(self) -> int:
        return sum(sum(c.values()) for c in self.found_by_month.values())


def shown(count: int) -> int | None:
    """A count as published: None (shown as "fewer than 5") for 1-4; 0 and larger counts as they are."""
    return None if 0 < count < SMALLEST_SHOWN else count


def figures(months: list[str], texts_shown: int = 50) -> Figures:
    """The answers of these months ("2026-11", as staff.stats.Report.months)."""
    session = db.session()
    result = Figures(months=months, points={code: PointFigures() for code in POINTS})
    for month in months:
        result.points_by_month[month] = {code: PointFigures() for code in POINTS}
        result.found_by_month[month] = Counter({True: 0, False: 0})
    rows = session.execute(select(ContactAnswers.month, ContactAnswers.channel, ContactAnswers.ui_language,
                                  *(getattr(ContactAnswers, code) for code in POINTS))
                           .where(ContactAnswers.month.in_(months)))
    for month, channel, language, *scores in rows:
        result.answers_by_month[month] += 1
        result.by_channel_language[(channel, language)] += 1
        for code, score in zip(POINTS, scores, strict=True):
            for figure in (result.points_by_month[month][code], result.points[code]):
                if score == CANNOT_SAY:
                    figure.cannot_say += 1
                elif score is not None:
                    figure.rated += 1
                    figure.total += score
    found = session.execute(select(FoundAnswer.month, FoundAnswer.found, func.count())
                            .where(FoundAnswer.month.in_(months)).group_by(FoundAnswer.month, FoundAnswer.found))
    for month, was_found, count in found:
        result.found_by_month[month][bool(was_found)] = count
    result.found_texts = [(m, bool(f), t or "") for m, f, t in session.execute(
        select(FoundAnswer.month, FoundAnswer.found, FoundAnswer.text)
        .where(FoundAnswer.month.in_(months), FoundAnswer.text.is_not(None))
        .order_by(FoundAnswer.month.desc(), FoundAnswer.id.desc()).limit(texts_shown))]
    return result


def remove_old_texts(before: dt.datetime) -> int:
    """The words given under "Did you find what you were looking for?" in months wholly before `before`
    are removed (the yes or no stays, for the statistics). Returns how many."""
    first_kept = f"{before.year}-{before.month:02d}"
    result = db.session().execute(update(FoundAnswer).where(FoundAnswer.month < first_kept,
                                                            FoundAnswer.text.is_not(None)).values(text=None))
    return cast(CursorResult, result).rowcount


def csv_rows(months: list[str]) -> list[list]:
    """The statistics CSV's rows for resident feedback (section, key, count): counts of 1-4 as "<5", and
    an average only from 5 answers (else empty), as on the page."""
    f = figures(months, texts_shown=0)

    def count(n: int) -> int | str:
        value = shown(n)
        return "<5" if value is None else value

    rows: list[list] = []
    for month in months:
        rows.append(["feedback_answers_by_month", month, count(f.answers_by_month[month])])
        for code in POINTS:
            average = f.points_by_month[month][code].average
            rows.append([f"feedback_average_{code}", month, "" if average is None else average])
        rows.append(["found_yes_by_month", month, count(f.found_by_month[month][True])])
        rows.append(["found_no_by_month", month, count(f.found_by_month[month][False])])
    return rows
