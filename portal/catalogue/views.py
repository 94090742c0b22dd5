"""The activity catalogue: the filtered list, an activity's page and their calendar files.

These pages are the same for every visitor without a cookie: they set none (their forms carry no CSRF
token, see security.same_origin_or_token), and a shared cache may keep them for a minute
(security.shared_cache_page). What depends on the visitor's own cookie (the my-list buttons) is drawn
apart from the result cards, which are drawn once and cached."""
from __future__ import annotations

import dataclasses
import zlib
from functools import wraps
from typing import Any

from flask import Blueprint, abort, current_app, g, render_template, request, session, url_for
from htmx_flask import request as htmx_request
from jinja2_fragments.flask import render_block
from markupsafe import Markup

from portal import cache
from portal.catalogue import display, ics, queries, schedule
from portal.catalogue.filters import without
from portal.i18n import current_language, gettext as _
from portal.security import csp_nonce, shared_cache_page

bp = Blueprint("catalogue", __name__, url_prefix="/<lang>")
display.register(bp)


def not_modified():
    """A 304 when the visitor's copy (or a proxy's) is still the page we would draw; else None.
    The index is moved on first, so that "next time" rolling forward changes the version too."""
    queries.keep_index_current()
    return shared_cache_page(queries.catalogue_version(), schedule.local_now().date())


# Whole answers for visitors without a cookie, kept a few minutes under their ETag (which names
# everything they depend on). Stored compressed: a list page is about 45 KB, a tenth of that deflated,
# so the in-process cache's entry limit stays a few tens of megabytes at worst.
PAGE_TIMEOUT = 300
KEPT_HEADERS = ("Content-Disposition",)


def kept_for_everyone(view):
    """The view's answer for visitors without a cookie, drawn once and then served from the cache
    (portal/cache.py) until the catalogue version, the day or the release changes; a 304 to a
    conditional request. The page keeps the CSP nonce it was drawn with, as a shared cache's copy
    would: every script is a file of this site ('self'), so the nonce guards no inline script."""
    @wraps(view)
    def answer(**kwargs):
        if (unchanged := not_modified()) is not None:
            return unchanged
        etag = g.get("shared_cache_etag")
        if etag is None:  # a visitor with a cookie: their own page, drawn for them
            return view(**kwargs)
        version = queries.catalogue_version()
        if (kept := cache.get("page", etag, version=version)) is not None:
            body, mimetype, headers, g.csp_nonce = kept
            return current_app.response_class(zlib.decompress(body), mimetype=mimetype, headers=headers)
        response = current_app.make_response(view(**kwargs))
        if response.status_code == 200 and not session.modified and not response.is_streamed:
            headers = {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
            cache.set("page", etag, (zlib.compress(response.get_data(), 1), response.mimetype, headers, csp_nonce()),
                      version=version, timeout=PAGE_TIMEOUT)
        return response
    return answer


@bp.get("/activities")
@kept_for_everyone
def activity_list():
    filters = queries.filters_from(request.args)
    results = queries.search(filters, load=False)  # result_cards loads those it must draw
    partial = results_fragment_wanted()
    today = schedule.local_now().date()
    context = {"filters": filters, "results": results, "without": without, "args": request.args,
               "today": today, "partial": partial, "cards": result_cards(results.items, filters, today),
               "hints": [] if results.total else queries.suggestions(filters, request.args)}
    if partial:
        response = current_app.make_response(render_block("catalogue/list.html", "results", **context))
    else:
        response = current_app.make_response(render_template("catalogue/list.html", **context))
    # The same address answers with a fragment or a whole page depending on these request headers:
    # a cache (the browser's own included) must not hand one out for the other.
    response.vary.update(("HX-Request", "HX-Target", "HX-History-Restore-Request"))
    return response


def result_cards(items, filters, today) -> list[tuple[Markup, Markup]]:
    """(card, name) HTML of each result, from the cache or drawn now: the card without its my-list
    button, and the activity's name as the button's hidden part reads it. A card shows the day's
    relative words ("today"), its next time, the needs chosen (how it meets them) and the distance from
    the place typed, so those are in its key with the activity and the language; an edit or import (a
    new content version) leaves every old card behind, a roll-forward only those whose time moved.
    Only the activities of the cards missing are loaded from the database."""
    if not items:
        return []
    lang, version = current_language(), queries.content_version()
    needs = ",".join(sorted(filters.needs))
    keys = [f"{found.activity_id}:{lang}:{today.isoformat()}:{needs}:"
            f"{'' if found.distance_km is None else round(found.distance_km, 3)}:"
            f"{'' if found.next_start is None else found.next_start.isoformat()}" for found in items]
    # A next time already begun is drawn anew and not kept: the index moves it on only when the
    # roll-forward reaches it, and the card must not keep saying "Next: today 10-11" after 10.
    now = schedule.local_now()
    begun = {key for key, found in zip(keys, items, strict=True) if found.next_start and found.next_start <= now}
    cards = cache.get_many("card", [key for key in keys if key not in begun], version=version)
    missing = [(key, found) for key, found in zip(keys, items, strict=True) if key not in cards]
    if missing:
        queries.load_activities([found for _key, found in missing])
        # One template module for all the cards missing: its labels translated and URLs built once.
        context = {"today": today}
        current_app.update_template_context(context)
        # Any: the template's macros are attributes of its module, made at run time.
        module: Any = current_app.jinja_env.get_template("catalogue/card.html").make_module(context)
        label = {"when": _("When"), "next": _("Next:"), "where": _("Where"), "price": _("Price"),
                 "language": _("Language"), "access": _("Accessibility"), "organiser": _("Organiser"),
                 "from_home": _("From home, by phone or online"), "ask": _("Times: ask the organiser"),
                 "base": url_for("catalogue.activity_list")}
        drawn = {key: (str(module.card(found, filters, label)), str(module.name(found.activity)))
                 for key, found in missing}
        cache.set_many("card", {key: card for key, card in drawn.items() if key not in begun}, version=version)
        cards.update(drawn)
    # Markup: the HTML was drawn by the autoescaping card template (and kept as it was drawn).
    return [(Markup(cards[key][0]), Markup(cards[key][1])) for key in keys]  # noqa: S704


def results_fragment_wanted() -> bool:
    """Only htmx's own swaps into #results get the results alone. When htmx goes Back or Forward
    and has no copy of the page (its history cache is off or has forgotten it), it asks again with
    HX-History-Restore-Request and puts the answer in place of the whole body: that answer must be
    the whole page, or Back shows a results column with no page around it."""
    htmx = htmx_request.htmx
    return bool(htmx) and not htmx.history_restore_request and htmx.target == "results"


@bp.get("/activities/<int:activity_id>")
@kept_for_everyone
def activity_page(activity_id: int):
    activity = queries.activity(activity_id) or abort(404)
    now = schedule.local_now()
    return render_template("catalogue/detail.html", activity=activity, now=now, today=now.date(),
                           upcoming=schedule.upcoming(activity, now, count=6))


@bp.get("/activities/<int:activity_id>.ics")
@kept_for_everyone
def activity_calendar(activity_id: int):
    activity = queries.activity(activity_id) or abort(404)
    return ics.response([activity], filename=f"activity-{activity.id}.ics")


@bp.get("/activities.ics")
@kept_for_everyone
def list_calendar():
    # A feed holds every match, not one page of them, up to a size calendar apps still accept.
    filters = dataclasses.replace(queries.filters_from(request.args), page=1)
    found = queries.search(filters, page_size=ics.FEED_LIMIT)
    return ics.response([item.activity for item in found.items], filename="activities.ics")
