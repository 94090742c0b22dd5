"""The concern notice, one question per page: start, steps, check answers, sent, quick exit."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import SQLAlchemyError

from portal import db, limits
from portal.concern import answers as answer_display, drafts, flow, queries
from portal.concern.forms import CONSENT_HINTS, StatusForm
from portal.concern.status import NOTIFIER_TEXTS, notifier_status
from portal.errors import expired_form_again, keeps_input_when_expired
from portal.forms import ActionForm
from portal.i18n import current_language

bp = Blueprint("concern", __name__, url_prefix="/<lang>/concern")
answer_display.register(bp)


@bp.get("")
def start():
    _draft, answers = drafts.current()
    return render_template("concern/start.html", expired=answers.get("expired", False),
                           resume=flow.next_name(answers) if answers.get("done") else None)


@bp.route("/step/<name>", methods=["GET", "POST"])
def step(name: str):
    if name not in flow.BY_NAME:
        abort(404)
    current = flow.BY_NAME[name]
    try:
        draft, answers = drafts.current()
    except SQLAlchemyError as error:
        if request.method == "GET":
            raise  # nothing typed to keep: the error page says the service is away for a moment
        # The answers typed on this page are in the post: show them again rather than lose them.
        _log_failure(error)
        return _step_page(current, current.form(), {}, unavailable=True), 503
    if not flow.may_open(name, answers):
        return redirect(_url_for_step(flow.next_name(answers)) if answers.get("done") else url_for("concern.start"))
    if request.method == "GET":
        return _step_page(current, current.form(data=answers), answers)
    form = current.form()
    if form.looks_automated:
        abort(400)
    valid = form.validate_on_submit()
    outcome = "ok" if valid else "failed"
    if wait := limits.wait_seconds(limits.CONCERN_STEP, outcome):
        return limits.too_many(_step_page(current, form, answers, limited=wait), wait)
    if not valid:
        limits.record(limits.CONCERN_STEP, "failed")
        return _step_page(current, form, answers)
    answers.update({field.name: field.data for field in form
                    if field.name not in ("csrf_token", "submission", "website")})
    answers["done"] = sorted(set(answers.get("done", [])) | {name})
    try:
        drafts.save(draft, flow.prune(answers), current_language())
        db.commit()  # before moving on, so a failed save keeps what was typed on this page
    except SQLAlchemyError as error:
        _log_failure(error)
        return _step_page(current, form, answers, unavailable=True), 503
    limits.record(limits.CONCERN_STEP, "ok")
    if name == "urgency" and form.urgency.data != "no":
        return render_template("concern/urgent.html", kind=form.urgency.data)
    # After a change on the check page, this is the check page again unless the change asks something new.
    return redirect(_url_for_step(flow.next_name(answers)), code=303)


def _step_page(current: flow.Step, form, answers: dict, **notices) -> str:
    return render_template("concern/step.html", step=current, form=form, answers=answers,
                           position=flow.position(current.name, answers), consent_hints=CONSENT_HINTS, **notices)


def _log_failure(error: Exception) -> None:
    # The type only: the exception's text would carry the notice's personal data into the log.
    current_app.logger.error("Saving a concern notice failed: %s", type(error).__name__)


@keeps_input_when_expired("concern.step")
def step_again(name: str, **_view_args):
    _draft, answers = drafts.current()
    if name not in flow.BY_NAME or not flow.may_open(name, answers):
        return redirect(url_for("concern.start"))
    return _step_page(flow.BY_NAME[name], expired_form_again(flow.BY_NAME[name].form()), answers, expired=True), 400


def _url_for_step(name: str) -> str:
    return url_for("concern.check") if name == "check" else url_for("concern.step", name=name)


@bp.route("/check", methods=["GET", "POST"])
def check():
    draft, answers = drafts.current()
    if draft is None or flow.next_name(answers) != "check":
        sent = queries.sent_from_this_session() if request.method == "POST" else None
        return redirect(url_for("concern.sent") if sent else url_for("concern.start"), code=303)
    form = ActionForm()  # the check-your-answers page: sending needs only the CSRF token
    if not form.validate_on_submit():
        return _check_page(form, answers)
    if wait := limits.wait_seconds(limits.CONCERN, "ok"):
        return limits.too_many(_check_page(form, answers, limited=wait), wait)
    try:
        notice = queries.send(draft, answers)
        db.commit()  # before the confirmation, so a failed save is the 503 page that keeps the answers
    except SQLAlchemyError as error:
        _log_failure(error)
        db.abandon()  # the failed flush leaves the session unusable; the page below reads the database
        return _check_page(form, answers, save_failed=True), 503
    limits.record(limits.CONCERN, "ok")
    session["concern_sent"] = session.pop(drafts.SESSION_KEY)
    session["concern_reference"] = notice.reference
    return redirect(url_for("concern.sent"), code=303)


def _check_page(form, answers: dict, **notices) -> str:
    return render_template("concern/check.html", form=form, answers=answers, steps=flow.needed(answers), **notices)


@bp.get("/sent")
def sent():
    notice = queries.sent_from_this_session()
    if notice is None:
        return redirect(url_for("concern.start"))
    return render_template("concern/sent.html", notice=notice, checks=queries.status_checks(notice))


@bp.route("/status", methods=["GET", "POST"])
def status():
    """A notice's state by reference and check, with the callback status page's limits and its one
    answer for every wrong combination."""
    form = StatusForm()
    return limits.status_lookup(
        form, lambda: queries.find_for_status(form.reference.data, form.check.data),
        _l("We could not find a notice with that reference and check. Check both and try again."),
        lambda found, **notices: _status_page(form, found, **notices))


def _status_page(form: StatusForm, found, **notices) -> str:
    state = notifier_status(found.status, found.outcome) if found is not None else None
    return render_template("concern/status.html", form=form, found=found, state=state,
                           state_texts=NOTIFIER_TEXTS, **notices)


@bp.get("/exit")
def quick_exit():
    """Leave at once: forget the draft and go to a neutral page elsewhere."""
    drafts.discard()
    session.clear()
    return redirect(current_app.config["QUICK_EXIT_URL"], code=303)
