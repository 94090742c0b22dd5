"""Editors and organisers keep the listings correct: the list with stale ones flagged, editing with
a preview, and organisers' changes waiting for an editor's review."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from portal.catalogue import schedule
from portal.catalogue.display import language_options
from portal.feedback import queries as reports
from portal.forms import ActionForm
from portal.staff import listings, queries, source_fields
from portal.staff.auth import requires, signed_in
from portal.staff.listing_form import ActivityForm
from portal.staff.listing_states import LISTING_CHANGE
from portal.staff.venue_form import TEXTS as VENUE_TEXT_LABELS, VenueForm
from portal.states import Refused

bp = Blueprint("staff_catalogue", __name__, url_prefix="/<lang>/staff/listings")


@bp.get("")
@requires("editor", "organiser")
def listings_page():
    staff = signed_in()
    shown = queries.listings_for(staff)
    if request.args.get("stale"):
        shown = [a for a in shown if listings.is_stale(a, schedule.local_now().date())]
    return render_template("staff/listings.html", activities=shown, today=schedule.local_now().date(),
                           is_stale=listings.is_stale, waiting=listings.pending() if staff.has("editor") else [],
                           reports=reports.open_reports() if staff.has("editor") else [], action=ActionForm())


@bp.post("/reports/<int:report_id>/resolve")
@requires("editor")
def resolve_report(report_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    if queries.resolve_report(report_id, signed_in()):
        flash(str(_l("Marked as checked. The listing no longer says that it is being checked.")))
    return redirect(url_for("staff_catalogue.listings_page"), code=303)


@bp.route("/new", methods=["GET", "POST"], defaults={"activity_id": None})
@bp.route("/<int:activity_id>", methods=["GET", "POST"])
@requires("editor", "organiser")
def edit(activity_id: int | None):
    staff = signed_in()
    activity = queries.activity(activity_id) if activity_id else None
    if (activity_id and activity is None) or not listings.may_edit(staff, activity):
        abort(404)
    form = ActivityForm(data=listings.form_data(activity) if activity and request.method == "GET" else None)
    form.venue_id.choices, form.organiser_id.choices = listings.choices()
    # An imported activity: what its source owns is shown, never taken from the post.
    from_source = source_fields.owned(activity.id) if activity else None
    owned = from_source[0] if from_source else set()
    if activity is not None and from_source is not None:
        if request.method == "POST":
            source_fields.keep_source_values(form, listings.form_data(activity), owned)
        source_fields.lock(form, owned, from_source[1])
    form.languages.choices = language_options()
    if not staff.has("editor"):
        form.organiser_id.choices = [c for c in form.organiser_id.choices if c[0] == staff.organiser_id]
    submitted = source_fields.valid_apart_from_owned(form, owned) if owned else form.validate_on_submit()
    if submitted and "preview" not in request.form:
        if staff.has("editor"):
            activity = listings.apply(activity, form.data, form.checked.data, staff)
            flash(str(_l("Saved. The listing is updated.")))
            return redirect(url_for("staff_catalogue.edit", activity_id=activity.id), code=303)
        listings.propose(activity, listings.serialise(form), staff)
        flash(str(_l("Sent. An editor checks the change before it is shown.")))
        return redirect(url_for("staff_catalogue.listings_page"), code=303)
    return render_template("staff/listing_edit.html", form=form, activity=activity,
                           preview="preview" in request.form and not form.errors,
                           waiting=listings.pending(activity.id) if activity else [], action=ActionForm())


@bp.post("/changes/<int:change_id>/<decision>")
@requires("editor")
def decide(change_id: int, decision: str):
    change = queries.listing_change(change_id) or abort(404)
    if not ActionForm().validate_on_submit() or decision not in LISTING_CHANGE.actions:
        abort(400)
    try:
        listings.decide(change, decision == "approve", signed_in())
    except Refused:  # already decided (the listing change's state table)
        abort(400)
    flash(str(_l("Change approved and shown.") if decision == "approve" else _l("Change rejected.")))
    return redirect(url_for("staff_catalogue.listings_page"), code=303)


@bp.get("/places")
@requires("editor")
def venues_page():
    return render_template("staff/venues.html", venues=queries.venues())


@bp.route("/places/new", methods=["GET", "POST"], defaults={"venue_id": None})
@bp.route("/places/<int:venue_id>", methods=["GET", "POST"])
@requires("editor")
def edit_venue(venue_id: int | None):
    venue = queries.venue(venue_id) if venue_id else None
    if venue_id and venue is None:
        abort(404)
    form = VenueForm(data=listings.venue_form_data(venue) if venue and request.method == "GET" else None)
    if form.validate_on_submit():
        venue = listings.save_venue(venue, form, signed_in())
        flash(str(_l("Saved. The place and its activities are updated.")))
        return redirect(url_for("staff_catalogue.edit_venue", venue_id=venue.id), code=303)
    return render_template("staff/venue_edit.html", form=form, venue=venue, venue_texts=VENUE_TEXT_LABELS)
