"""The activity catalogue: the filtered list, an activity's page and their calendar files."""
from __future__ import annotations

import dataclasses

from flask import Blueprint, abort, current_app, render_template, request
from htmx_flask import request as htmx_request
from jinja2_fragments.flask import render_block

from portal.catalogue import display, ics, queries, schedule
from portal.catalogue.filters import without

bp = Blueprint("catalogue", __name__, url_prefix="/<lang>")
display.register(bp)


@bp.get("/activities")
def activity_list():
    filters = queries.filters_from(request.args)
    results = queries.search(filters)
    partial = results_fragment_wanted()
    context = {"filters": filters, "results": results, "without": without, "args": request.args,
               "today": schedule.local_now().date(), "partial": partial,
               "hints": [] if results.total else queries.suggestions(filters, request.args)}
    if partial:
        response = current_app.make_response(render_block("catalogue/list.html", "results", **context))
    else:
        response = current_app.make_response(render_template("catalogue/list.html", **context))
    # The same address answers with a fragment or a whole page depending on these request headers:
    # a cache (the browser's own included) must not hand one out for the other.
    response.vary.update(("HX-Request", "HX-Target", "HX-History-Restore-Request"))
    return response


def results_fragment_wanted() -> bool:
    """Only htmx's own swaps into #results get the results alone. When htmx goes Back or Forward
    and has no copy of the page (its history cache is off or has forgotten it), it asks again with
    HX-History-Restore-Request and puts the answer in place of the whole body: that answer must be
    the whole page, or Back shows a results column with no page around it."""
    htmx = htmx_request.htmx
    return bool(htmx) and not htmx.history_restore_request and htmx.target == "results"


@bp.get("/activities/<int:activity_id>")
def activity_page(activity_id: int):
    activity = queries.activity(activity_id) or abort(404)
    now = schedule.local_now()
    return render_template("catalogue/detail.html", activity=activity, now=now, today=now.date(),
                           upcoming=schedule.upcoming(activity, now, count=6))


@bp.get("/activities/<int:activity_id>.ics")
def activity_calendar(activity_id: int):
    activity = queries.activity(activity_id) or abort(404)
    return ics.response([activity], filename=f"activity-{activity.id}.ics")


@bp.get("/activities.ics")
def list_calendar():
    # A feed holds every match, not one page of them, up to a size calendar apps still accept.
    filters = dataclasses.replace(queries.filters_from(request.args), page=1)
    found = queries.search(filters, page_size=ics.FEED_LIMIT)
    return ics.response([item.activity for item in found.items], filename="activities.ics")
