"""Data functions the catalogue's views call; views never build queries themselves."""
from __future__ import annotations

import time

from flask import current_app
from sqlalchemy import select

from portal import cache, db
from portal.catalogue import filters as catalogue_filters, indexing, schedule
from portal.catalogue.models import Activity
from portal.catalogue.places import Places
from portal.catalogue.search import Count, Found, Results, activities_matching, count_matching
from portal.i18n import current_language

ROLL_FORWARD_EVERY_SECONDS = 60


def places() -> Places:
    """Postal areas change only when the data is loaded again, so each process keeps them."""
    if "places" not in current_app.extensions:
        current_app.extensions["places"] = Places.load(db.session())
    return current_app.extensions["places"]


def filters_from(args) -> catalogue_filters.Filters:
    return catalogue_filters.parse(args, places())


def _versions() -> tuple[int, int]:
    """indexing.catalogue_versions, read once per request (any write raises them)."""
    from flask import g

    if "catalogue_versions" not in g:
        keep_index_current()  # first, so the versions read are those after any roll-forward
        g.catalogue_versions = indexing.catalogue_versions(db.session())
    return g.catalogue_versions


def catalogue_version() -> int:
    """The version cached counts and pages are keyed on: every write to the index raises it."""
    return _versions()[0]


def content_version() -> int:
    """The version cached result cards are keyed on (with their activity's next time): every write
    except "next time" rolling forward raises it."""
    return _versions()[1]


def _count_key(f: catalogue_filters.Filters, lang: str) -> str:
    """The filter set as counting sees it: order, sort, page and how places were typed do not matter;
    the language does only for a word search (it picks the columns searched)."""
    chosen = (f.q and lang, tuple(f.q.split()), *(tuple(sorted(v)) for v in (
        f.categories, f.districts, f.needs, f.languages, f.days, f.times, f.audiences)),
        f.free, f.max_price, f.drop_in, f.online, f.show_unchecked)
    return repr(chosen)


def count(f: catalogue_filters.Filters) -> Count:
    """The filter set's count, cached until the catalogue changes."""
    lang = current_language()
    return cache.get_or_set("count", _count_key(f, lang), lambda: count_matching(db.session(), f, lang),
                            version=catalogue_version())


def search(f: catalogue_filters.Filters, page_size: int | None = None, load: bool = True) -> Results:
    """One page of matches; `load` off leaves their activities unloaded (see load_activities)."""
    keep_index_current()
    lang, size, version = current_language(), page_size or current_app.config["PAGE_SIZE"], catalogue_version()
    # Where each page ends, so that the next one is a seek from there rather than an offset.
    # Sorting by name sorts by the name in the page's language, so its page ends differ per language.
    page_key = (f"{_count_key(f, lang)}:{f.sort}:{f.near if f.sort == 'nearest' else ''}:"
                f"{lang if f.sort == 'name' else ''}:{size}:")
    after = cache.get("page-end", page_key + str(f.page - 1), version=version) if f.page > 1 else None
    results = activities_matching(db.session(), f, lang, places(), size, count=count(f), after=after)
    if load:
        load_activities(results.items)
    if results.last_key is not None:
        cache.set("page-end", page_key + str(results.page), results.last_key, version=version)
    return results


def load_activities(items: list[Found]) -> None:
    """Load the activities of these matches that are not loaded yet (a page whose cards are all in the
    cache needs none of them)."""
    missing = [found.activity_id for found in items if found.loaded is None]
    if missing:
        loaded = {a.id: a for a in db.session().scalars(select(Activity).where(Activity.id.in_(missing)))}
        for found in items:
            found.loaded = found.loaded or loaded[found.activity_id]


def activity(activity_id: int) -> Activity | None:
    return db.session().get(Activity, activity_id)


def keep_index_current() -> None:
    """At most once a minute per process, move "next time" on for activities whose time has passed."""
    last = current_app.extensions.get("index_rolled_at", 0.0)
    if time.monotonic() - last < ROLL_FORWARD_EVERY_SECONDS:
        return
    current_app.extensions["index_rolled_at"] = time.monotonic()
    indexing.roll_forward_apart(current_app.extensions["db_sessionmaker"],
                                schedule.local_now(current_app.config["PORTAL_TIMEZONE"]))


def suggestions(f: catalogue_filters.Filters, args) -> list[dict]:
    """For an empty result: how many activities each choice, removed on its own, would bring back."""
    from portal.catalogue.display import chips

    hints = []
    for chip in chips(f, args):
        found = count(filters_from(chip.args))
        if found.total:
            hints.append({"label": chip.label, "args": chip.args, "count": found.total})
    return hints
