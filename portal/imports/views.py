"""Editors see each import run (when, what came in, what was refused and why) and add organisers'
calendar feeds. A staff page kept here, beside the imports it shows, so that the staff package does
not depend on the imports package, which depends on it."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from portal.imports import calendars, ownership, queries
from portal.imports.runs import REASONS
from portal.staff import source_fields
from portal.staff.auth import requires, signed_in
from portal.staff.forms import StaffForm

bp = Blueprint("staff_imports", __name__, url_prefix="/<lang>/staff/imports")


def _owned_by_source(activity_id: int) -> tuple[set[str], str] | None:
    """For the staff listing editor: the fields an imported activity's source owns, and why."""
    link = queries.origin(activity_id)
    return (ownership.owned_fields(link), ownership.explanation(link)) if link is not None else None


source_fields.register(_owned_by_source)


def _calendar_address(_form, field) -> None:
    if not calendars.valid_url((field.data or "").strip()):
        raise ValidationError(_l("Give the calendar's address, starting with https:// or webcal://."))


class FeedForm(StaffForm):
    organiser_id = SelectField(_l("Organiser"), coerce=int)
    venue_id = SelectField(_l("Where its events are held"), coerce=int,
                           description=_l("The calendar's own place names are not read."))
    url = StringField(_l("Calendar address (iCalendar)"), validators=[
        DataRequired(message=_l("Give the calendar's address.")), Length(max=490), _calendar_address])


@bp.route("", methods=["GET", "POST"])
@requires("editor")
def imports_page():
    form = FeedForm()
    organisers, venues = queries.feed_choices()
    form.organiser_id.choices = organisers
    form.venue_id.choices = [(0, str(_l("From home, by phone or online"))), *venues]
    if form.validate_on_submit():
        queries.add_feed(form.organiser_id.data, form.venue_id.data, form.url.data.strip(), signed_in())
        flash(str(_l("Calendar added. Its new events wait for an editor after the next import.")))
        return redirect(url_for("staff_imports.imports_page"), code=303)
    organiser_names, venue_names = dict(organisers), dict(venues)
    return render_template("staff/imports.html", runs=queries.recent_runs(), feeds=queries.feeds(), form=form,
                           reasons=REASONS, organiser_names=organiser_names, venue_names=venue_names)


@bp.app_template_global()
def imported_from(activity_id: int):
    """For the activity page: the source record an imported activity came from, or None."""
    return queries.origin(activity_id)
