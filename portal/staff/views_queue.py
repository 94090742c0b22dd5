"""The advisers' queue and the pages of single callback requests and concern notices. Which moves an
item offers, and whether a move is allowed, come from its kind's state table (queue.TABLES)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from portal import crypto
from portal.forms import ActionForm
from portal.i18n import gettext as _
from portal.staff import audit, display, followups, queue, queue_filters, topics
from portal.staff.auth import current_staff, requires, signed_in
from portal.staff.forms import NoteForm, OutcomeForm, TopicsForm
from portal.states import Refused, StateTable, TooSoon

bp = Blueprint("staff_queue", __name__, url_prefix="/<lang>/staff")
display.register(bp)


def _outcome_form(table: StateTable) -> OutcomeForm:
    form = OutcomeForm()
    form.outcome.choices = list(table.outcomes.items())
    return form


def _topics_form(chosen: list[str] | None = None) -> TopicsForm:
    form = TopicsForm(data={"topics": chosen} if chosen is not None else None)
    form.topics.choices = [(code, str(label)) for code, label in topics.offered().items()]
    return form


@bp.get("/")
@requires("adviser")
def queue_page():
    """The open items, filtered by what the URL asks (a GET form, so every view can be bookmarked)."""
    staff, options = current_staff(), queue_filters.options()
    chosen = {key: set(request.args.getlist(key)) & set(options[key]) for key in queue.FILTERS}
    entries = queue.open_items(staff)
    view, whole = queue.filtered(entries, chosen, staff), queue.filtered(entries, {}, staff)
    return render_template("staff/queue.html", items=view.items, view=view, whole=whole, chosen=chosen,
                           options=options, legends=queue_filters.LEGENDS, form=ActionForm())


@bp.get("/<kind>/<int:item_id>")
@requires("adviser")
def item_page(kind: str, item_id: int):
    staff, record = signed_in(), queue.item(kind, item_id) or abort(404)
    audit.viewed(staff.id, kind, item_id)
    table = queue.TABLES[kind]
    personal = crypto.decrypt(record.personal) if kind == "concern" and record.personal else None
    tagged = topics.of_item(kind, item_id)
    return render_template("staff/item.html", kind=kind, record=record, personal=personal, form=ActionForm(),
                           state=table.state(record.status), moves=queue.offered(kind, record, staff),
                           outcome_form=_outcome_form(table), note_form=NoteForm(), notes=queue.notes(kind, item_id),
                           outcomes=table.outcomes, topics_form=_topics_form(tagged), item_topics=tagged,
                           waiting=queue.waiting_move(kind, record))


@bp.post("/<kind>/<int:item_id>/<action>")
@requires("adviser")
def act(kind: str, item_id: int, action: str):
    staff, record = signed_in(), queue.item(kind, item_id) or abort(404)
    table = queue.TABLES[kind]
    if action == "note":
        form = NoteForm()
        if form.validate_on_submit():
            queue.add_note(kind, record.id, staff, form.text.data)
        else:
            flash(str(_l("Nothing was saved: check the form.")))
    elif action == "topics":
        form = _topics_form()
        if form.validate_on_submit():
            if topics.tag(kind, record.id, staff, form.topics.data or []):
                flash(_("The topics were saved."))
        else:
            flash(str(_l("Nothing was saved: check the form.")))
    elif action in table.actions:
        outcome = None
        if table.chooses_outcome(action):
            form = _outcome_form(table)
            outcome = form.outcome.data if form.validate_on_submit() else None
        try:  # a check-in call chosen in the closing form (portal/staff/followups.py)
            days = followups.parse_days(request.form.get("follow_up")) if action == "close" else None
        except ValueError:
            days, outcome = None, None  # not a choice offered: refused below as a form to check
        try:
            queue.take(kind, record.id, staff, action, outcome)
            if days:
                followups.schedule(kind, record.id, staff, days)
        except TooSoon as wait:
            flash(_("It is too soon for the second call attempt. You can call again from %(time)s. Nothing was saved.",
                    time=display.staff_time(wait.earliest)))
        except Refused as refusal:  # the table's refusal, in words: the page shows the current state
            flash(str(refusal.message))
    else:
        abort(404)
    return redirect(url_for("staff_queue.item_page", kind=kind, item_id=item_id), code=303)
