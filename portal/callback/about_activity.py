""""Ask about this activity": a link on an activity's page opens the callback form with the topic and a
first line of the message filled in (the resident can change both), and the request remembers which
activity it was, so that the adviser sees it. Data functions: views call these, never the models."""
from __future__ import annotations

from portal import db
from portal.catalogue.models import Activity
from portal.formatting import in_page_language
from portal.i18n import gettext


def _activity(value) -> Activity | None:
    """The activity a form or a link names by its id, if it exists; None for anything else."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        return None
    return db.session().get(Activity, int(text))


def activity_id(value) -> int | None:
    found = _activity(value)
    return found.id if found else None


def name(activity: Activity) -> str:
    """The activity's name in the page's language, else in Finnish."""
    text = in_page_language(activity.texts)
    return text.name if text else activity.key


def prefill(form, value) -> None:
    """Fill a fresh callback form for a question about the activity `value` names (a query parameter);
    an unknown one changes nothing."""
    found = _activity(value)
    if found is None:
        return
    form.activity.data = str(found.id)
    form.topic.data = "activities"
    form.message.data = gettext("A question about the activity: %(name)s", name=name(found))


def asked_about(activity_id: int | None) -> dict | None:
    """For the adviser: {"id", "name"} of the activity a request was asked about (None when none, or
    when the activity has since been removed from the catalogue)."""
    if activity_id is None:
        return None
    found = db.session().get(Activity, activity_id)
    return {"id": found.id, "name": name(found)} if found else None
