"""Report a problem with a listing: a short choice and a few words, no personal data asked."""
from __future__ import annotations

from typing import cast

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import SQLAlchemyError

from portal import db, limits
from portal.catalogue import queries as catalogue
from portal.feedback import queries
from portal.feedback.forms import KINDS, ReportForm
from portal.i18n import current_language

bp = Blueprint("feedback", __name__, url_prefix="/<lang>/activities/<int:activity_id>/report")
bp.add_app_template_global(queries.open_reports, "open_listing_reports")
bp.add_app_template_filter(lambda kind: str(KINDS.get(kind, kind)), "report_kind")


@bp.route("", methods=["GET", "POST"])
def report(activity_id: int):
    activity = catalogue.activity(activity_id) or abort(404)
    form = ReportForm()
    # The token is for a report on this activity only.
    form.submission_kind = f"listing-report:{activity.id}"
    if request.method == "GET":
        return _form_page(form, activity)
    if form.looks_automated:
        abort(400)
    valid = form.validate_on_submit()
    outcome = "ok" if valid else "failed"
    if wait := limits.wait_seconds(limits.REPORT, outcome):
        return limits.too_many(_form_page(form, activity, limited=wait), wait)
    if not valid:
        limits.record(limits.REPORT, "failed")
        return _form_page(form, activity)
    try:
        queries.create(activity.id, form.kind.data, form.text.data, current_language(),
                       cast(str, form.submission_key))  # a valid form has one: validate() refuses it otherwise
        db.commit()  # before the thanks, so a failed save is the 503 page that keeps what was typed
    except SQLAlchemyError as error:
        current_app.logger.error("Saving a listing report failed: %s", type(error).__name__)
        return _form_page(form, activity, unavailable=True), 503
    limits.record(limits.REPORT, "ok")
    flash(str(_l("Thank you. An editor will check the listing. Until then it says that it is being checked.")))
    return redirect(url_for("catalogue.activity_page", activity_id=activity.id), code=303)


def _form_page(form: ReportForm, activity, **notices) -> str:
    return render_template("feedback/report.html", form=form.prepare(), activity=activity, **notices)
