"""Report a problem with a listing: a short choice and a few words, no personal data asked."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l

from portal.catalogue import queries as catalogue
from portal.feedback import queries
from portal.feedback.forms import KINDS, ReportForm
from portal.i18n import current_language
from portal.limits import SUBMISSIONS, limiter

bp = Blueprint("feedback", __name__, url_prefix="/<lang>/activities/<int:activity_id>/report")
bp.add_app_template_global(queries.open_reports, "open_listing_reports")
bp.add_app_template_filter(lambda kind: str(KINDS.get(kind, kind)), "report_kind")


@bp.route("", methods=["GET", "POST"])
@limiter.limit(SUBMISSIONS, methods=["POST"])
def report(activity_id: int):
    activity = catalogue.activity(activity_id) or abort(404)
    form = ReportForm()
    if form.is_submitted() and form.looks_automated:
        abort(400)
    if not form.validate_on_submit():
        return render_template("feedback/report.html", form=form.prepare(), activity=activity)
    queries.create(activity.id, form.kind.data, form.text.data, current_language())
    flash(str(_l("Thank you. An editor will check the listing. Until then it says that it is being checked.")))
    return redirect(url_for("catalogue.activity_page", activity_id=activity.id), code=303)
