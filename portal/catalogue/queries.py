"""Data functions the catalogue's views call; views never build queries themselves."""
from __future__ import annotations

import time

from flask import current_app

from portal import db
from portal.catalogue import filters as catalogue_filters
from portal.catalogue import indexing, schedule
from portal.catalogue.models import Activity
from portal.catalogue.places import Places
from portal.catalogue.search import Results, activities_matching
from portal.i18n import current_language

ROLL_FORWARD_EVERY_SECONDS = 60


def places() -> Places:
    """Postal areas change only when the data is loaded again, so each process keeps them."""
    if "places" not in current_app.extensions:
        current_app.extensions["places"] = Places.load(db.session())
    return current_app.extensions["places"]


def filters_from(args) -> catalogue_filters.Filters:
    return catalogue_filters.parse(args, places())


def search(f: catalogue_filters.Filters, page_size: int | None = None) -> Results:
    keep_index_current()
    return activities_matching(db.session(), f, current_language(), places(),
                               page_size or current_app.config["PAGE_SIZE"])


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
        count = activities_matching(db.session(), filters_from(chip.args), current_language(), places(), 1).total
        if count:
            hints.append({"label": chip.label, "args": chip.args, "count": count})
    return hints
