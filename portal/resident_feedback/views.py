"""The questionnaire after a contact (/<lang>/feedback/<channel>) and "Did you find what you were looking
for?" from the activity search (/<lang>/feedback/found)."""
from __future__ import annotations

from typing import cast

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from sqlalchemy.exc import SQLAlchemyError

from portal import db, limits
from portal.errors import expired_form_again, keeps_input_when_expired
from portal.i18n import current_language
from portal.resident_feedback import queries
from portal.resident_feedback.forms import ContactFeedbackForm, FoundForm
from portal.resident_feedback.questions import CHANNELS, POINTS
from portal.security import same_origin_or_token
from portal.urls import safe_return_path

bp = Blueprint("resident_feedback", __name__, url_prefix="/<lang>/feedback")
bp.add_app_template_global(queries.figures, "resident_feedback_figures")
bp.add_app_template_global(queries.shown, "feedback_count_shown")
bp.record_once(lambda state: state.app.jinja_env.globals.update(resident_feedback_points=POINTS,
                                                                  resident_feedback_channels=CHANNELS))

# Anonymous answers: a library's busy hour at one address, a few a session.
CONTACT = limits.Budget("contact-feedback", "60 per hour;20 per minute", "10 per hour",
                        "120 per hour;30 per minute", "30 per hour;10 per minute")
FOUND = limits.Budget("found-feedback", "120 per hour;30 per minute", "20 per hour",
                      "120 per hour;30 per minute", "30 per hour;10 per minute")


@bp.route("/<any(callback, concern):channel>", methods=["GET", "POST"])
def contact(channel: str):
    form = ContactFeedbackForm()
    form.submission_kind = f"contact-feedback:{channel}"  # one token, one questionnaire
    if request.method == "GET":
        return _contact_page(form, channel)
    if form.looks_automated:
        abort(400)
    valid = form.validate_on_submit()
    outcome = "ok" if valid else "failed"
    if wait := limits.wait_seconds(CONTACT, outcome):
        return limits.too_many(_contact_page(form, channel, limited=wait), wait)
    if not valid:
        limits.record(CONTACT, "failed")
        return _contact_page(form, channel)
    try:
        queries.save_contact_answers(channel, current_language(), form.answers(),
                                     cast(str, form.submission_key))  # validate() refuses a form without one
        db.commit()  # before the thanks, so a failed save is the 503 page that keeps the answers
    except SQLAlchemyError as error:
        current_app.logger.error("Saving contact feedback failed: %s", type(error).__name__)
        db.abandon()  # the failed flush leaves the session unusable; the page below reads the database
        return _contact_page(form, channel, save_failed=True), 503
    limits.record(CONTACT, "ok")
    return redirect(url_for("resident_feedback.thanks"), code=303)


def _contact_page(form: ContactFeedbackForm, channel: str, **notices) -> str:
    return render_template("resident_feedback/contact.html", form=form.prepare(), channel=channel,
                           channel_name=CHANNELS[channel], points=POINTS, **notices)


@keeps_input_when_expired("resident_feedback.contact")
def contact_again(channel: str, **_view_args):
    form = ContactFeedbackForm()
    form.submission_kind = f"contact-feedback:{channel}"
    return _contact_page(expired_form_again(form), channel, expired=True), 400


@bp.get("/thanks")
def thanks():
    return render_template("resident_feedback/thanks.html")


@bp.post("/found")
@same_origin_or_token
def found():
    form = FoundForm()
    back = _back(form.back.data)
    if form.looks_automated:
        abort(400)
    valid = form.validate()
    outcome = "ok" if valid else "failed"
    if wait := limits.wait_seconds(FOUND, outcome):
        return limits.too_many(_found_page(form, back, limited=wait), wait)
    if not valid:
        limits.record(FOUND, "failed")
        return _found_page(form, back), 400
    queries.save_found(form.found.data == "yes", form.text.data, current_language())
    limits.record(FOUND, "ok")
    return redirect(url_for("resident_feedback.found_thanks", answer=form.found.data, back=back), code=303)


@keeps_input_when_expired("resident_feedback.found")
def found_again(**_view_args):
    """A post that neither came marked from this site nor carried a token: the question again, as sent,
    with a token."""
    form = FoundForm()
    form.validate()
    return _found_page(form, _back(form.back.data), expired=True), 400


def _back(value: str | None) -> str:
    """Back to the search the answer came from: only a page of the activity search."""
    path = safe_return_path(value)
    return path if path.split("?")[0] == url_for("catalogue.activity_list") else url_for("catalogue.activity_list")


def _found_page(form: FoundForm, back: str, **notices) -> str:
    """The question again on its own page, with what was typed and what is missing."""
    return render_template("resident_feedback/found_again.html", form=form.prepare(), back=back, **notices)


@bp.get("/found/thanks")
def found_thanks():
    return render_template("resident_feedback/found_thanks.html", found=request.args.get("answer") != "no",
                           back=_back(request.args.get("back")))

