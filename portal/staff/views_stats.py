"""The statistics page (printable, with charts drawn on the server) and its CSV; the quarterly report
(printable, small counts hidden) and its CSV."""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter

from flask import Blueprint, Response, render_template, request
from flask_babel import lazy_gettext as _l

from portal.db import utcnow
from portal.formatting import language_name, month_name
from portal.resident_feedback import queries as resident_feedback
from portal.staff import report, stats, topics
from portal.staff.auth import requires
from portal.staff.vocab import CALLBACK_OUTCOMES, CONCERN_OUTCOMES, KIND_LABELS, NOTIFIER_ROLES

bp = Blueprint("staff_stats", __name__, url_prefix="/<lang>/staff")


def _period() -> tuple[dt.date, dt.date, bool]:
    """The period asked for, or the last twelve months; False when what was typed could not be read."""
    today = utcnow().date()
    default = (today.replace(day=1) - dt.timedelta(days=335)).replace(day=1), today
    try:
        start = dt.date.fromisoformat(request.args.get("start") or default[0].isoformat())
        end = dt.date.fromisoformat(request.args.get("end") or default[1].isoformat())
    except ValueError:
        return *default, False
    # Dates far from now (9999-12-31, say) would overflow the month arithmetic; nobody needs them.
    earliest, latest = dt.date(2000, 1, 1), today + dt.timedelta(days=366)
    if not (earliest <= start <= latest and earliest <= end <= latest) or start > end or (end - start).days > 3 * 366:
        return *default, False
    return start, end, True


@bp.get("/statistics")
@requires("adviser")
def statistics():
    start, end, understood = _period()
    return render_template("staff/statistics.html", r=stats.report(start, end), understood=understood,
                           callback_outcomes=CALLBACK_OUTCOMES, concern_outcomes=CONCERN_OUTCOMES,
                           roles=NOTIFIER_ROLES, share=stats.share, topic_labels=topics.TOPICS, top=topics.top,
                           call_languages=_languages())


@bp.get("/statistics.csv")
@requires("adviser")
def statistics_csv():
    start, end, _understood = _period()
    r = stats.report(start, end)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "key", "count"])
    for month in r.months:
        writer.writerow(["callbacks_by_month", month, r.callbacks_by_month[month]])
        writer.writerow(["concerns_by_month", month, r.concerns_by_month[month]])
    for section in ("callback_languages", "concern_languages", "notifier_roles", "callback_outcomes",
                    "concern_outcomes"):
        for key, count in sorted(getattr(r, section).items()):
            writer.writerow([section, key, count])
    for month in r.months:
        for code, count in topics.top(r.topics_by_month.get(month, Counter())):
            writer.writerow([f"topics_{month}", code, count])
    for code, count in topics.top(r.topics):
        writer.writerow(["topics", code, count])
    for kind, endings in r.endings.items():
        for ending, count in sorted(endings.items()):
            writer.writerow([f"{kind}_endings", ending, count])
    for language, outcomes in sorted(r.callback_outcomes_by_language.items()):
        for code, count in sorted(outcomes.items()):
            writer.writerow([f"callback_outcomes_{language}", code, count])
    writer.writerow(["totals", "closed_no_answer", r.closed_no_answer])
    for kind, hours in r.median_hours_to_contact.items():
        writer.writerow(["median_hours_to_first_contact", kind, "" if hours is None else hours])
    share = r.reached_within_one_working_day
    writer.writerow(["share_reached_within_one_working_day", "callback", "" if share is None else round(share, 3)])
    writer.writerows(resident_feedback.csv_rows(r.months))
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="statistics-{start}-{end}.csv"'})


def _languages() -> dict:
    return {"fi": language_name("fi"), "sv": language_name("sv"), "en": language_name("en"),
            "other": _l("Another language")}


def _labels(months: list[str]) -> dict:
    """The words of the quarterly report's tables, in the page's language (report.tables)."""
    return {
        "kinds": KIND_LABELS, "months": {m: month_name(m) for m in months}, "languages": _languages(),
        "callback_outcomes": CALLBACK_OUTCOMES, "concern_outcomes": CONCERN_OUTCOMES, "roles": NOTIFIER_ROLES,
        "topics": topics.TOPICS,
        "endings": {"handled_here": _l("Handled by the advice line"), "transferred": _l("Handed over to another unit")},
        "words": {"all": _l("All"), "month": _l("Month"), "language": _l("Language"), "outcome": _l("Outcome"),
                  "role": _l("Role"), "ended": _l("How it ended"), "topic": _l("Topic"), "quarter": _l("Quarter"),
                  "closed_callbacks": _l("Closed callback requests"), "closed_concerns": _l("Closed concern notices")},
        "titles": {
            "contacts_by_month": _l("Contacts by channel and month"),
            "languages": _l("Languages"),
            "callback_outcomes": _l("How callback requests were resolved"),
            "notifier_roles": _l("Who made the concern notices"),
            "concern_outcomes": _l("How concern notices were resolved"),
            "handled_transferred": _l("Handled by the advice line or handed over"),
            "top_topics": _l("Top topics"),
        },
    }


def _quarter() -> tuple[report.Quarter, bool]:
    """The quarter asked for (?quarter=2026-Q3), or the last complete one; False when unreadable."""
    default = report.Quarter.last_complete(utcnow().date())
    asked = request.args.get("quarter")
    quarter = report.Quarter.parse(asked) if asked else default
    return (quarter, True) if quarter else (default, False)


def _recent_quarters(shown: report.Quarter, count: int = 8) -> list[report.Quarter]:
    """The choices of the quarter list: this one and the seven before it, and the one shown if older."""
    today = utcnow().date()
    quarters = [report.Quarter(today.year, (today.month - 1) // 3 + 1)]
    while len(quarters) < count:
        last = quarters[-1]
        quarters.append(report.Quarter(last.year - (last.number == 1), last.number - 1 or 4))
    return quarters if shown in quarters else [*quarters, shown]


@bp.get("/report")
@requires("adviser")
def quarterly_report():
    quarter, understood = _quarter()
    rep = report.build(quarter)
    return render_template("staff/report.html", rep=rep, tables=report.tables(rep, _labels(rep.figures.months)),
                           understood=understood, quarters=_recent_quarters(quarter), small=report.SMALL,
                           hidden=report.hidden)


@bp.get("/report.csv")
@requires("adviser")
def quarterly_report_csv():
    quarter, _understood = _quarter()
    rep = report.build(quarter)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "row", "column", "count", "share"])
    for table in report.tables(rep, _labels(rep.figures.months)):
        for code, _label, counts in table.rows:
            for column, (series, _name) in enumerate(table.series):
                share = table.share(counts, column)
                writer.writerow([table.key, code, series, _published(counts[column]),
                                 "" if share is None else round(share, 3)])
        for column, (series, _name) in enumerate(table.series):
            if table.totals:
                writer.writerow([table.key, "total", series, _published(table.totals[column]), ""])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="quarterly-report-{quarter.code}.csv"'})


def _published(count: int | None) -> str:
    return f"<{report.SMALL}" if count is None else str(count)
