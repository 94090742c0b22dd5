"""The quarterly report as the advice line publishes it (the structure of the Seniori-info Q3 2020
report): contacts by channel and month, languages, callback outcomes in the nine categories, concern
notices by notifier role and by outcome, handled here versus transferred, the top topics, and the
residents' feedback scores (portal/resident_feedback). The figures are the statistics'
(portal/staff/stats.py) for the quarter.

Anything published (the printable page and its CSV) hides small counts: a count from 1 to 4 is shown
as "fewer than 5", and so is its share. Where a table shows its total and only one of its counts was
hidden, the next smallest count is hidden too, so that the hidden one cannot be worked out by
subtraction."""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from portal.resident_feedback import queries as feedback
from portal.resident_feedback.questions import POINTS
from portal.staff import stats, topics

SMALL = 5  # counts below this (and above zero) are not published
TOP_TOPICS = 10



@dataclass
class FeedbackSection:
    """The residents' feedback scores of a quarter, for the report's last section: per question its
    words, how many answered it (a score, not "cannot say") and their average score (1-5)."""

    questions: list[tuple[Any, int, float | None]]


def feedback_scores(months: list[str]) -> FeedbackSection:
    """The questionnaire's four quality points (portal/resident_feedback) over the quarter's months."""
    found = feedback.figures(months, texts_shown=0)
    return FeedbackSection([(label, found.points[code].rated, found.points[code].average)
                            for code, (label, _statement) in POINTS.items()])


def hidden(count: int) -> bool:
    return 0 < count < SMALL


def published(counts: Mapping[str, int], with_total: bool = True) -> dict[str, int | None]:
    """The counts as they may be published: small ones None. When the total is shown and exactly one
    count was hidden, the next smallest non-zero count is hidden as well."""
    shown: dict[str, int | None] = {key: None if hidden(n) else n for key, n in counts.items()}
    if with_total and sum(1 for n in shown.values() if n is None) == 1:
        rest = [(n, key) for key, n in shown.items() if n]
        if rest:
            shown[min(rest)[1]] = None
    return shown


@dataclass
class Quarter:
    year: int
    number: int  # 1-4

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        following = dt.date(self.year + (self.number == 4), 1 if self.number == 4 else 3 * self.number + 1, 1)
        return following - dt.timedelta(days=1)

    @property
    def code(self) -> str:
        return f"{self.year}-Q{self.number}"

    @classmethod
    def parse(cls, text: str | None) -> Quarter | None:
        """"2026-Q3" (or "2026q3", "2026 Q3"); None when it is not a quarter between 2000 and 2100."""
        found = re.fullmatch(r"\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*", text or "")
        if not found or not 2000 <= int(found[1]) <= 2100:
            return None
        return cls(int(found[1]), int(found[2]))

    @classmethod
    def last_complete(cls, today: dt.date) -> Quarter:
        number = (today.month - 1) // 3  # the quarter before the current one (0: last year's fourth)
        return cls(today.year, number) if number else cls(today.year - 1, 4)


@dataclass
class QuarterlyReport:
    quarter: Quarter
    figures: stats.Report
    top_topics: list[tuple[str, int]] = field(default_factory=list)
    feedback: FeedbackSection | None = None

    @property
    def contacts(self) -> int:
        return self.figures.callbacks + self.figures.concerns


def build(quarter: Quarter) -> QuarterlyReport:
    figures = stats.report(quarter.start, quarter.end)
    result = QuarterlyReport(quarter, figures, top_topics=topics.top(figures.topics, TOP_TOPICS))
    scores = feedback_scores(figures.months)
    result.feedback = scores if any(answers for _label, answers, _average in scores.questions) else None
    return result


@dataclass
class Table:
    """One of the report's tables, as the page, its chart and the CSV show it. Counts are as published
    (None: fewer than 5); `bases` are the totals each column's shares are of (None: no shares)."""

    key: str  # the CSV's section and the page's anchor
    title: Any
    corner: Any  # the heading of the rows' column
    series: list[tuple[str, Any]]  # the columns: code and label
    rows: list[tuple[str, Any, list[int | None]]]  # code, label, a count per column
    bases: list[int | None] | None = None
    totals: list[int | None] | None = None
    charted: int = 0  # how many of the first columns the chart draws (0: no chart)

    def share(self, row: list[int | None], column: int) -> float | None:
        base = self.bases[column] if self.bases else None
        count = row[column]
        return count / base if count is not None and base else None

    def chart_rows(self) -> list[tuple[Any, list[int | None]]]:
        return [(label, counts[:self.charted]) for _code, label, counts in self.rows]


def _columns(columns: list[Counter], codes: list[str], secondary: bool = True) -> list[list[int | None]]:
    """Rows of counts (one per code) from a counter per column, each column published on its own."""
    shown = [published({code: column[code] for code in codes}, with_total=secondary) for column in columns]
    return [[column[code] for column in shown] for code in codes]


def _total(n: int) -> int | None:
    return None if hidden(n) else n


def tables(rep: QuarterlyReport, labels: Mapping[str, Mapping[str, Any]]) -> list[Table]:
    """The report's tables in its order. `labels`: the words for codes (months, languages, outcomes,
    roles, topics, kinds, endings), given by the view in the page's language.

    Each column is protected on its own against working out a hidden count from its total, so no
    published table has a column that is the sum of others (no "all" beside the channels); the topics'
    quarter column is their months' sum, so there each row is protected instead."""
    f = rep.figures
    kinds = [("callback", labels["kinds"]["callback"]), ("concern", labels["kinds"]["concern"])]
    result = []

    months = [Counter(f.callbacks_by_month), Counter(f.concerns_by_month)]
    result.append(Table("contacts_by_month", labels["titles"]["contacts_by_month"], labels["words"]["month"], kinds,
                        _rows(f.months, labels["months"], _columns(months, f.months)),
                        totals=[_total(f.callbacks), _total(f.concerns)], charted=2))

    languages = [code for code in labels["languages"] if f.callback_languages[code] or f.concern_languages[code]]
    result.append(Table("languages", labels["titles"]["languages"], labels["words"]["language"], kinds,
                        _rows(languages, labels["languages"],
                              _columns([f.callback_languages, f.concern_languages], languages)),
                        bases=[_total(f.callbacks), _total(f.concerns)],
                        totals=[_total(f.callbacks), _total(f.concerns)], charted=2))

    result.append(_outcomes("callback", f.callback_outcomes, labels))
    role_codes = list(labels["roles"])
    result.append(Table("notifier_roles", labels["titles"]["notifier_roles"], labels["words"]["role"],
                        [("concern", labels["kinds"]["concern"])],
                        _rows(role_codes, labels["roles"], _columns([f.notifier_roles], role_codes)),
                        bases=[_total(f.concerns)], totals=[_total(f.concerns)], charted=1))
    result.append(_outcomes("concern", f.concern_outcomes, labels))

    endings = ["handled_here", "transferred"]
    ended = [Counter(handled_here=f.handled_here(kind), transferred=f.transferred(kind)) for kind in
             ("callback", "concern")]
    bases = [_total(column["handled_here"] + column["transferred"]) for column in ended]
    result.append(Table("handled_transferred", labels["titles"]["handled_transferred"], labels["words"]["ended"],
                        kinds, _rows(endings, labels["endings"], _columns(ended, endings)),
                        bases=bases, totals=bases, charted=2))

    topic_rows = []
    for code, count in rep.top_topics:
        in_months = {m: f.topics_by_month.get(m, Counter())[code] for m in f.months}
        by_month = published(in_months, with_total=not hidden(count))
        topic_rows.append((code, labels["topics"].get(code, code), [*by_month.values(), _total(count)]))
    # Shares of the quarter's tagged items (one item may have several topics).
    topic_bases: list[int | None] = [*([None] * len(f.months)), _total(f.tagged_items)]
    result.append(Table("top_topics", labels["titles"]["top_topics"], labels["words"]["topic"],
                        [*((m, labels["months"][m]) for m in f.months), ("quarter", labels["words"]["quarter"])],
                        topic_rows, bases=topic_bases, charted=len(f.months) if topic_rows else 0))
    return result


def _outcomes(kind: str, counter: Counter, labels: Mapping[str, Mapping[str, Any]]) -> Table:
    """How the closed items of a kind were resolved: counts and shares of those closed."""
    names, key = labels[f"{kind}_outcomes"], f"{kind}_outcomes"
    closed = _total(sum(counter.values()))
    return Table(key, labels["titles"][key], labels["words"]["outcome"], [(kind, labels["words"][f"closed_{kind}s"])],
                 _rows(list(names), names, _columns([counter], list(names))), bases=[closed], totals=[closed],
                 charted=1)


def _rows(codes: list[str], names: Mapping[str, Any], counts: list[list[int | None]]):
    return [(code, names.get(code, code), row) for code, row in zip(codes, counts, strict=True)]
