"""The statistics page (printable, with charts drawn on the server) and its CSV."""
from __future__ import annotations

import csv
import datetime as dt
import io

from flask import Blueprint, Response, render_template, request

from portal.db import utcnow
from portal.staff import stats
from portal.staff.auth import requires
from portal.staff.vocab import CALLBACK_OUTCOMES, CONCERN_OUTCOMES, NOTIFIER_ROLES

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
                           roles=NOTIFIER_ROLES, share=stats.share)


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
    writer.writerow(["totals", "closed_no_answer", r.closed_no_answer])
    for kind, hours in r.median_hours_to_contact.items():
        writer.writerow(["median_hours_to_first_contact", kind, "" if hours is None else hours])
    share = r.reached_within_one_working_day
    writer.writerow(["share_reached_within_one_working_day", "callback", "" if share is None else round(share, 3)])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="statistics-{start}-{end}.csv"'})
