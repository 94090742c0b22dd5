"""Administrators: staff accounts, roles and organisations, and the audit log with its security events.
Creating accounts and changing them need the password typed within the last minutes."""
from __future__ import annotations

import re
import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from portal.forms import ActionForm
from portal.staff import accounts, listings, queries
from portal.staff.audit import SECURITY_ACTIONS
from portal.staff.auth import requires, signed_in
from portal.staff.forms import AccountRolesForm, StaffAccountForm
from portal.staff.views_auth import recent_password

bp = Blueprint("staff_admin", __name__, url_prefix="/<lang>/staff/admin")
CHANGES = ("deactivate", "activate", "reset-code")
RECORD_TYPE = re.compile(r"[a-z_]{1,30}")
MAX_ID = 2**31 - 1


def _organisations(form) -> dict[int, str]:
    _venues, organisers = listings.choices()
    form.organiser_id.choices = [(0, _l("None")), *organisers]
    return dict(organisers)


@bp.route("/accounts", methods=["GET", "POST"])
@requires("admin")
@recent_password
def accounts_page():
    form, created = StaffAccountForm(), None
    organisations = _organisations(form)
    if form.validate_on_submit():
        if accounts.by_email(form.email.data):
            form.email.errors.append(accounts.TAKEN)
        else:
            password = secrets.token_urlsafe(12)
            organiser_id = form.organiser_id.data if "organiser" in form.roles.data else None
            created = (accounts.create(form.name.data, form.email.data, form.roles.data, password, signed_in(),
                                       organiser_id=organiser_id), password)
            form = StaffAccountForm(formdata=None)
            _organisations(form)
    return render_template("staff/accounts.html", form=form, users=queries.staff_users(), created=created,
                           action=ActionForm(), organisations=organisations)


@bp.route("/accounts/<int:user_id>", methods=["GET", "POST"])
@requires("admin")
@recent_password
def account_page(user_id: int):
    user = queries.staff_user(user_id) or abort(404)
    form = AccountRolesForm(obj=None if request.method == "POST" else user)
    if request.method == "GET":
        form.organiser_id.data = user.organiser_id or 0
    organisations = _organisations(form)
    if form.validate_on_submit():
        organiser_id = form.organiser_id.data if "organiser" in form.roles.data else None
        accounts.set_roles(user, form.roles.data, organiser_id, signed_in())
        flash(_l("The roles of %(name)s are saved.", name=user.name))
        return redirect(url_for("staff_admin.accounts_page"), code=303)
    return render_template("staff/account.html", form=form, user=user, organisations=organisations,
                           action=ActionForm())


@bp.post("/accounts/<int:user_id>/<change>")
@requires("admin")
@recent_password
def change_account(user_id: int, change: str):
    user = queries.staff_user(user_id) or abort(404)
    if not ActionForm().validate_on_submit() or change not in CHANGES:
        abort(400)
    accounts.change(user, change, signed_in())
    flash({"deactivate": _l("%(name)s can no longer sign in.", name=user.name),
           "activate": _l("%(name)s can sign in again.", name=user.name),
           "reset-code": _l("%(name)s connects a new authenticator app at the next sign-in.", name=user.name)}[change])
    return redirect(url_for("staff_admin.accounts_page"), code=303)


@bp.get("/audit")
@requires("admin")
def audit_log():
    """Filtered by record (type and id, from the links in the table); ids and types out of range or
    malformed are ignored rather than sent to the database."""
    record_type, record_id = request.args.get("type", ""), request.args.get("id", "")
    security = request.args.get("security") == "1"
    wanted_id = int(record_id) if record_id.isascii() and record_id.isdigit() else 0
    entries = queries.audit_entries(security_only=security,
                                    record_type=record_type if RECORD_TYPE.fullmatch(record_type) else None,
                                    record_id=wanted_id if 0 < wanted_id <= MAX_ID else None)
    return render_template("staff/audit.html", entries=entries, names=queries.staff_names(),
                           security=security, security_actions=SECURITY_ACTIONS)
