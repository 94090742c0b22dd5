"""Ask for a callback: the form, its confirmation, and the state of a request."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import SQLAlchemyError

from portal import db, limits
from portal.callback import about_activity, queries
from portal.callback.forms import CONSENT_HINTS, TIME_WINDOWS, CallbackForm, StatusForm
from portal.callback.states import CALLBACK
from portal.config import city_timezone
from portal.errors import expired_form_again, keeps_input_when_expired
from portal.i18n import current_language
from portal.workdays import add_working_days

bp = Blueprint("callback", __name__, url_prefix="/<lang>/callback")

# What a resident is told about their request's state: the words are in the state table.
STATE_TEXT = CALLBACK.resident_texts
bp.add_app_template_global(about_activity.asked_about, "asked_about_activity")


@bp.route("", methods=["GET", "POST"])
def ask():
    form = CallbackForm()
    if request.method == "GET":
        form.for_whom.data = "other" if request.args.get("for") == "other" else "me"
        form.call_language.data = current_language()
        about_activity.prefill(form, request.args.get("activity"))  # "Ask about this activity"
        return _form_page(form)
    if form.looks_automated:
        abort(400)
    valid = form.validate_on_submit()
    outcome = "ok" if valid else "failed"
    if wait := limits.wait_seconds(limits.CALLBACK, outcome):
        return limits.too_many(_form_page(form, limited=wait), wait)
    if not valid:
        limits.record(limits.CALLBACK, "failed")
        return _form_page(form)
    try:
        saved = queries.save_request(form, current_language())
        db.commit()  # before the confirmation, so a failed save is the 503 page that keeps what was typed
    except SQLAlchemyError as error:
        # The type only: the exception's text would carry the request's personal data into the log.
        current_app.logger.error("Saving a callback request failed: %s", type(error).__name__)
        db.abandon()  # the failed flush leaves the session unusable; the page below reads the database
        return _form_page(form, save_failed=True), 503
    limits.record(limits.CALLBACK, "ok")
    session["callback_reference"] = saved.reference
    return redirect(url_for("callback.sent"), code=303)


def _form_page(form: CallbackForm, **notices) -> str:
    return render_template("callback/form.html", form=form.prepare(), consent_hints=CONSENT_HINTS, **notices)


@keeps_input_when_expired("callback.ask")
def ask_again(**_view_args):
    return _form_page(expired_form_again(CallbackForm()), expired=True), 400


@bp.get("/sent")
def sent():
    saved = queries.by_reference(session.get("callback_reference", ""))
    if saved is None:
        return redirect(url_for("callback.status"))
    return render_template("callback/sent.html", saved=saved, time_windows=dict(TIME_WINDOWS), call_by=_call_by(saved))


def _call_by(saved) -> dt.date:
    """The working day by which we promise to call: counted from the day it was sent, in the city."""
    within = current_app.config["SERVICE"]["callback_within_working_days"]
    return add_working_days(_city_date(saved.created_at), within)


@bp.route("/status", methods=["GET", "POST"])
def status():
    form = StatusForm()
    return limits.status_lookup(
        form, lambda: queries.find_for_status(form.reference.data, form.last_digits.data),
        _l("We could not find a request with that reference and phone number. Check both and try again."),
        lambda found, **notices: _status_page(form, found, **notices))


def _city_date(utc: dt.datetime) -> dt.date:
    return utc.replace(tzinfo=dt.UTC).astimezone(city_timezone()).date()


def _status_page(form: StatusForm, found, **notices) -> str:
    details = {}
    if found is not None:
        details = {"call_by": _call_by(found), "unanswered": [_city_date(at) for at in queries.unanswered_calls(found)]}
    return render_template("callback/status.html", form=form, found=found, state_text=STATE_TEXT,
                           time_windows=dict(TIME_WINDOWS), **details, **notices)
