"""Template helpers for the staff pages."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint

from portal.callback.forms import TIME_WINDOWS, TOPICS
from portal.concern.forms import WORRIES
from portal.config import city_timezone
from portal.consent import ADVISER_LABELS
from portal.formatting import date_time
from portal.staff import topics, vocab
from portal.staff.auth import current_staff
from portal.staff.forms import ROLE_LABELS


def staff_time(utc: dt.datetime | None) -> str:
    """A stored UTC time as the city's local date and time in the page's language: "ti 24.11. 10.15",
    "tis 24 nov. 10.15", "Tue 24 Nov, 10:15"; the year too when it is not this year's."""
    if utc is None:
        return "–"
    zone = city_timezone()
    local = utc.replace(tzinfo=dt.UTC).astimezone(zone)
    return date_time(local, with_year=local.year != dt.datetime.now(zone).year)


def register(bp: Blueprint) -> None:
    bp.add_app_template_global(current_staff)
    bp.add_app_template_filter(staff_time)
    worries = dict(WORRIES)
    bp.add_app_template_filter(lambda code: str(worries.get(code, code)), "concern_worry")
    # Values, not functions, for the templates: the staff vocabulary and the forms' labels by code.
    values = {"staff_vocab": vocab, "callback_windows": dict(TIME_WINDOWS), "callback_topics": dict(TOPICS),
              "concern_roles": vocab.NOTIFIER_ROLES, "yes_no_unknown": vocab.ANSWER_LABELS,
              "consent_labels": ADVISER_LABELS}
    bp.record_once(lambda state: state.app.jinja_env.globals.update(values))
    bp.add_app_template_filter(lambda role: str(ROLE_LABELS.get(role, role)), "role_label")
    bp.add_app_template_filter(topics.label, "topic_label")
