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
    partial = bool(htmx_request.htmx) and htmx_request.htmx.target == "results"
    context = {"filters": filters, "results": results, "without": without, "args": request.args,
               "today": schedule.local_now().date(), "partial": partial,
               "hints": [] if results.total else queries.suggestions(filters, request.args)}
    if partial:
        response = current_app.make_response(render_block("catalogue/list.html", "results", **context))
    else:
        response = current_app.make_response(render_template("catalogue/list.html", **context))
    response.vary.add("HX-Request")
    return response


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
