"""The advisers' queue and the pages of single callback requests and concern notices."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l

from portal import crypto
from portal.staff import audit, display, queue
from portal.staff.auth import current_staff, requires
from portal.forms import ActionForm
from portal.staff.forms import NoteForm, OutcomeForm
from portal.staff.vocab import CALLBACK_OUTCOMES, CONCERN_OUTCOMES

bp = Blueprint("staff_queue", __name__, url_prefix="/<lang>/staff")
display.register(bp)
OUTCOMES = {"callback": CALLBACK_OUTCOMES, "concern": CONCERN_OUTCOMES}
TAKEN = _l("Someone else has just taken or changed this item. The page now shows its current state.")


@bp.get("/")
@requires("adviser")
def queue_page():
    return render_template("staff/queue.html", items=queue.open_items(), form=ActionForm())


@bp.get("/<kind>/<int:item_id>")
@requires("adviser")
def item_page(kind: str, item_id: int):
    record = queue.item(kind, item_id) or abort(404)
    audit.viewed(current_staff().id, kind, item_id)
    personal = crypto.decrypt(record.personal) if kind == "concern" and record.personal else None
    outcome_form = OutcomeForm()
    outcome_form.outcome.choices = list(OUTCOMES[kind].items())
    return render_template("staff/item.html", kind=kind, record=record, personal=personal, form=ActionForm(),
                           outcome_form=outcome_form, note_form=NoteForm(), notes=queue.notes(kind, item_id),
                           outcomes=OUTCOMES[kind])


@bp.post("/<kind>/<int:item_id>/<action>")
@requires("adviser")
def act(kind: str, item_id: int, action: str):
    staff, record = current_staff(), queue.item(kind, item_id) or abort(404)
    moves = {
        ("callback", "claim"): lambda: queue.claim("callback", item_id, staff),
        ("concern", "claim"): lambda: queue.claim("concern", item_id, staff),
        ("callback", "no-answer"): lambda: queue.no_answer(item_id, staff),
        ("callback", "reached"): lambda: queue.reached(item_id, staff),
        ("concern", "assess"): lambda: queue.start_assessment(item_id, staff),
    }
    if action == "close":
        form = OutcomeForm()
        form.outcome.choices = list(OUTCOMES[kind].items())
        done = form.validate_on_submit() and queue.close(kind, record.id, staff, form.outcome.data)
    elif action == "note":
        form = NoteForm()
        done = form.validate_on_submit()
        if done:
            queue.add_note(kind, record.id, staff, form.text.data)
    elif (kind, action) in moves:
        done = ActionForm().validate_on_submit() and moves[(kind, action)]()
    else:
        abort(404)
    if not done:
        flash(str(TAKEN) if action not in ("note", "close") else str(_l("Nothing was saved: check the form.")))
    return redirect(url_for("staff_queue.item_page", kind=kind, item_id=item_id), code=303)
