"""Administrators: staff accounts and roles, and the audit log."""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, render_template, request
from sqlalchemy import select

from portal import db
from portal.staff import accounts
from portal.staff.auth import current_staff, requires
from portal.forms import ActionForm
from portal.staff.forms import StaffAccountForm
from portal.staff.models import AuditEntry, StaffUser

bp = Blueprint("staff_admin", __name__, url_prefix="/<lang>/staff/admin")


@bp.route("/accounts", methods=["GET", "POST"])
@requires("admin")
def accounts_page():
    form, created = StaffAccountForm(), None
    if form.validate_on_submit():
        if accounts.by_email(form.email.data):
            form.email.errors.append(accounts.TAKEN)
        else:
            password = secrets.token_urlsafe(12)
            created = (accounts.create(form.name.data, form.email.data, form.roles.data, password, current_staff()),
                       password)
    users = db.session().scalars(select(StaffUser).order_by(StaffUser.name)).all()
    return render_template("staff/accounts.html", form=form, users=users, created=created, action=ActionForm())




@bp.post("/accounts/<int:user_id>/<change>")
@requires("admin")
def change_account(user_id: int, change: str):
    user = db.session().get(StaffUser, user_id) or abort(404)
    if not ActionForm().validate_on_submit() or change not in ("deactivate", "activate", "reset-code"):
        abort(400)
    accounts.change(user, change, current_staff())
    return accounts_page()


@bp.get("/audit")
@requires("admin")
def audit_log():
    record_type, record_id = request.args.get("type"), request.args.get("id", type=int)
    query = select(AuditEntry).order_by(AuditEntry.at.desc()).limit(300)
    if record_type:
        query = query.where(AuditEntry.record_type == record_type)
    if record_id:
        query = query.where(AuditEntry.record_id == record_id)
    names = {u.id: u.name for u in db.session().scalars(select(StaffUser))}
    return render_template("staff/audit.html", entries=db.session().scalars(query).all(), names=names)
