"""Signing in (password, then a one-time code), enrolling an authenticator app, signing out."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l

from portal import crypto, db
from portal.limits import limiter
from portal.preferences.views import safe_return_path
from portal.qr import qr_svg
from portal.staff import auth
from portal.forms import ActionForm
from portal.staff.forms import CodeForm, SignInForm
from portal.staff.models import StaffUser

bp = Blueprint("staff_auth", __name__, url_prefix="/<lang>/staff")
SIGN_IN_LIMIT = "10 per 15 minutes"
WRONG = _l("The e-mail address or password is not right, or the account is locked for a while. Try again later.")


@bp.route("/sign-in", methods=["GET", "POST"])
@auth.public
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        user, _why = auth.check_password(form.email.data, form.password.data)
        if user:
            session.clear()
            session["pending_staff_id"] = user.id
            session["next"] = safe_return_path(request.args.get("next") or url_for("staff_queue.queue_page"))
            return redirect(url_for("staff_auth.code" if user.totp_secret else "staff_auth.enrol"), code=303)
        form.email.errors.append(WRONG)
    return render_template("staff/sign_in.html", form=form)


def _pending() -> StaffUser | None:
    user_id = session.get("pending_staff_id")
    return db.session().get(StaffUser, user_id) if user_id else None


@bp.route("/sign-in/code", methods=["GET", "POST"])
@auth.public
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
def code():
    user = _pending()
    if user is None or not user.totp_secret:
        return redirect(url_for("staff_auth.sign_in"))
    form = CodeForm()
    if form.validate_on_submit():
        if auth.code_matches(user, auth.user_secret(user), form.code.data):
            target = session.get("next")
            auth.sign_in(user)
            return redirect(safe_return_path(target), code=303)
        form.code.errors.append(_l("The code is not right or has expired. Enter the newest code."))
    return render_template("staff/code.html", form=form)


@bp.route("/enrol", methods=["GET", "POST"])
@auth.public
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
def enrol():
    """First sign-in: connect an authenticator app by scanning a QR code, then confirm with a code."""
    user = _pending()
    if user is None or user.totp_secret:
        return redirect(url_for("staff_auth.sign_in"))
    secret = session.setdefault("enrol_secret", auth.new_totp_secret())
    form = CodeForm()
    if form.validate_on_submit():
        if auth.code_matches(user, secret, form.code.data):
            with db.transaction():
                user.totp_secret = crypto.encrypt(secret)
            auth.sign_in(user)
            return redirect(url_for("staff_queue.queue_page"), code=303)
        form.code.errors.append(_l("The code is not right or has expired. Enter the newest code."))
    return render_template("staff/enrol.html", form=form, secret=secret, qr=qr_svg(auth.totp_uri(user, secret), "enrol-code"))


@bp.post("/sign-out")
@auth.requires()
def sign_out():
    form = ActionForm()
    if form.validate_on_submit() and request.form.get("everywhere"):
        auth.sign_out_everywhere(auth.current_staff())
    auth.sign_out()
    return redirect(url_for("staff_auth.sign_in"), code=303)
