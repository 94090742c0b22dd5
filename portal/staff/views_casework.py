"""Advisers' case work beside the queue: escorted hand-over of an item, the decisions on a duplicate flag
(link, merge, dismiss) and the check-in calls due. Every move goes through a state table (the item's,
the flag's or the follow-up's) and is refused there for anyone it does not allow."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l

from portal import crypto
from portal.forms import ActionForm
from portal.i18n import gettext as _
from portal.staff import audit, display, duplicates, followups, handover, queue
from portal.staff.auth import current_staff, requires, signed_in
from portal.staff.casework_forms import HandoverForm, MergeForm
from portal.staff.casework_states import DUPLICATE_FLAG, DUPLICATE_REASONS, FOLLOWUP
from portal.staff.forms import OutcomeForm
from portal.states import Refused, TooSoon

bp = Blueprint("staff_casework", __name__, url_prefix="/<lang>/staff")
display.register(bp)
duplicates.register()
# The resident's status page asks these (the callback package cannot import the staff one).
bp.add_app_template_global(handover.handled_by, "handed_over_to")
bp.add_app_template_global(followups.planned_on, "follow_up_planned")


def casework(kind: str, record) -> dict:
    """What the item page and the queue show of case work (a template global, so the queue's own views
    need not pass it): the item's duplicate flags, its hand-over, its check-in call."""
    staff = current_staff()
    flags = duplicates.flags_of(kind, record.id)
    table = queue.TABLES[kind]
    return {
        "flags": flags,
        "flag_moves": {f.row.id: DUPLICATE_FLAG.offered(f.row.status, staff) if staff else [] for f in flags},
        "handover": handover.shown(kind, record.id),
        "can_hand_over": bool(staff and table.offered(record.status, staff, record.claimed_by_id, form="hand-over")),
        "follow_up": followups.of(kind, record.id),
        "follow_up_state": FOLLOWUP.states,
        "duplicate_of": duplicates.duplicate_of(kind, record.id),
    }


def queue_casework() -> dict:
    """For the queue page: the check-in calls due today and the items handed over lately."""
    staff = current_staff()
    due = [(call, followups.item_of(call), followups.offered(call, staff, in_queue=True) if staff else [])
           for call in followups.due()]
    return {"due": due, "states": FOLLOWUP.states, "handed_over": handover.recent()}


bp.add_app_template_global(casework)
bp.add_app_template_filter(lambda code: str(DUPLICATE_REASONS.get(code, code)), "duplicate_reason")
bp.add_app_template_global(queue_casework)
bp.add_app_template_global(lambda: followups.CHOICES, "follow_up_choices")


def _item_or_404(kind: str, item_id: int):
    return queue.item(kind, item_id) or abort(404)


def _back(kind: str, item_id: int):
    return redirect(url_for("staff_queue.item_page", kind=kind, item_id=item_id), code=303)


def _handover_form() -> HandoverForm:
    form = HandoverForm()
    form.unit.choices = [(u.code, u.name) for u in handover.units()]
    return form


@bp.route("/hand-over/<kind>/<int:item_id>", methods=["GET", "POST"])
@requires("adviser")
def hand_over(kind: str, item_id: int):
    staff, record = signed_in(), _item_or_404(kind, item_id)
    table = queue.TABLES[kind]
    moves = table.offered(record.status, staff, record.claimed_by_id, form="hand-over")
    form = _handover_form()
    if form.validate_on_submit():
        receiver = handover.unit(form.unit.data)
        if receiver is not None and receiver.organisation and form.consent.data != "yes":
            form.consent.errors = [_l("An organisation gets the person's details only if they agree. Ask them "
                                      "first, or choose a city unit.")]
        else:
            try:
                handover.hand_over(kind, item_id, staff, form.unit.data, form.note.data, form.consent.data)
            except Refused as refusal:
                flash(str(refusal.message))
            else:
                flash(_("Handed over to %(unit)s.", unit=receiver.name if receiver else form.unit.data))
            return _back(kind, item_id)
    return render_template("staff/hand_over.html", kind=kind, record=record, form=form, moves=moves,
                           state=table.state(record.status),
                           contacts={u.code: ", ".join(filter(None, (u.contact.get("phone_display"),
                                                                     u.contact.get("email"))))
                                     for u in handover.units() if u.contact})


@bp.post("/duplicate/<int:flag_id>/<action>/<kind>/<int:item_id>")
@requires("adviser")
def decide(flag_id: int, action: str, kind: str, item_id: int):
    """A decision on a flag, from the page of one of its two items (`kind`, `item_id`: where to go back)."""
    staff = signed_in()
    row = duplicates.flag(flag_id) or abort(404)
    if (kind, item_id) not in ((row.item_type, row.item_id), (row.other_type, row.other_id)):
        abort(404)
    try:
        if action == "link":
            duplicates.link(flag_id, staff)
        elif action == "dismiss":
            duplicates.dismiss(flag_id, staff)
        elif action == "merge":
            form = MergeForm()
            form.keep.choices = [("item", ""), ("other", "")]
            if not form.validate_on_submit():
                raise Refused("outcome")
            duplicates.merge(flag_id, staff, form.keep.data)
        else:
            abort(404)
    except Refused as refusal:
        flash(str(refusal.message))
    return _back(kind, item_id)


@bp.get("/follow-up/<int:call_id>")
@requires("adviser")
def follow_up(call_id: int):
    staff = signed_in()
    found = followups.call(call_id) or abort(404)
    record = followups.item_of(found)
    audit.viewed(staff.id, found.item_type, found.item_id)
    personal = crypto.decrypt(record.personal) if found.item_type == "concern" and record and record.personal else None
    form = OutcomeForm()
    form.outcome.choices = [(code, label) for code, label in FOLLOWUP.outcomes.items() if code != "no_answer"]
    return render_template("staff/follow_up.html", call=found, record=record, personal=personal,
                           state=FOLLOWUP.state(found.status), moves=followups.offered(found, staff),
                           form=ActionForm(), outcome_form=form, outcomes=FOLLOWUP.outcomes)


@bp.post("/follow-up/<int:call_id>/<action>")
@requires("adviser")
def follow_up_act(call_id: int, action: str):
    staff = signed_in()
    followups.call(call_id) or abort(404)
    if action not in FOLLOWUP.actions:
        abort(404)
    outcome = None
    if FOLLOWUP.chooses_outcome(action):
        form = OutcomeForm()
        form.outcome.choices = [(code, label) for code, label in FOLLOWUP.outcomes.items() if code != "no_answer"]
        outcome = form.outcome.data if form.validate_on_submit() else None
    try:
        followups.take(call_id, staff, action, outcome)
    except TooSoon as wait:
        flash(_("It is too soon for the second call attempt. You can call again from %(time)s. Nothing was saved.",
                time=display.staff_time(wait.earliest)))
    except Refused as refusal:
        flash(str(refusal.message))
    return redirect(url_for("staff_casework.follow_up", call_id=call_id), code=303)
