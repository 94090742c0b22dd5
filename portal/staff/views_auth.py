"""Signing in (password, then a one-time code), enrolling an authenticator app, signing out, one's own
sessions and password, and confirming the password again before admin actions."""
from __future__ import annotations

import functools

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l

from portal.forms import ActionForm
from portal.i18n import ngettext
from portal.limits import limiter
from portal.qr import qr_svg
from portal.staff import auth, queries
from portal.staff.forms import CodeForm, ConfirmPasswordForm, PasswordChangeForm, SignInForm
from portal.urls import safe_return_path

bp = Blueprint("staff_auth", __name__, url_prefix="/<lang>/staff")
bp.after_app_request(auth.write_cookie)
SIGN_IN_LIMIT = "10 per 15 minutes"
WRONG = _l("The e-mail address or password is not right, or the account is locked for a while. Try again later.")
WRONG_CODE = _l("The code is not right or has expired. Enter the newest code.")


@bp.route("/sign-in", methods=["GET", "POST"])
@auth.public
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        user, _why = auth.check_password(form.email.data, form.password.data)
        if user:
            session.clear()
            if request.args.get("next"):
                session["next"] = safe_return_path(request.args["next"])
            return redirect(url_for("staff_auth.code" if user.totp_secret else "staff_auth.enrol"), code=303)
        form.email.errors.append(WRONG)
    return render_template("staff/sign_in.html", form=form)


def _finish(user):
    """Signed in: tell about failed tries since last time, then the page asked for or the role's own."""
    target = session.pop("next", None)
    failures = auth.sign_in(user)
    if failures:
        flash(ngettext("Since you last signed in, %(num)d attempt to sign in to your account failed. "
                       "If it was not you, tell an administrator.",
                       "Since you last signed in, %(num)d attempts to sign in to your account failed. "
                       "If they were not yours, tell an administrator.", failures))
    return redirect(safe_return_path(target) if target else auth.start_page(user), code=303)


@bp.route("/sign-in/code", methods=["GET", "POST"])
@auth.public
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
def code():
    user, _row = auth.half_way()
    if user is None or not user.totp_secret:
        return redirect(url_for("staff_auth.sign_in"))
    form = CodeForm()
    if form.validate_on_submit():
        secret = auth.user_secret(user)
        if secret and auth.check_code(user, secret, form.code.data):
            return _finish(user)
        form.code.errors.append(WRONG_CODE)
    return render_template("staff/code.html", form=form)


@bp.route("/enrol", methods=["GET", "POST"])
@auth.public
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
def enrol():
    """First sign-in: connect an authenticator app by scanning a QR code, then confirm with a code.
    The key being set up is kept encrypted in the half-way session row, never in the cookie."""
    user, row = auth.half_way()
    if user is None or row is None or user.totp_secret or not row.enrol_secret:
        return redirect(url_for("staff_auth.sign_in"))
    secret = auth.enrol_secret(row)
    form = CodeForm()
    if form.validate_on_submit():
        if auth.check_code(user, secret, form.code.data):
            queries.save_totp_secret(user, secret)
            return _finish(user)
        form.code.errors.append(WRONG_CODE)
    return render_template("staff/enrol.html", form=form, secret=secret,
                           qr=qr_svg(auth.totp_uri(user, secret), "enrol-code"))


@bp.post("/sign-out")
@auth.requires()
def sign_out():
    if request.form.get("everywhere") and ActionForm().validate_on_submit():
        auth.sign_out_everywhere(auth.signed_in())
    auth.sign_out()
    session.clear()
    return redirect(url_for("staff_auth.sign_in"), code=303)


@bp.get("/sessions")
@auth.requires()
def sessions_page():
    return render_template("staff/sessions.html", sessions=auth.open_sessions(auth.signed_in()),
                           this=auth.this_session(), action=ActionForm())


@bp.post("/sessions/<int:session_id>/end")
@auth.requires()
def end_session(session_id: int):
    if ActionForm().validate_on_submit():
        this = auth.this_session()
        auth.end_session(auth.signed_in(), session_id)
        if this is not None and this.id == session_id:
            session.clear()
            return redirect(url_for("staff_auth.sign_in"), code=303)
        flash(_l("The session was ended."))
    return redirect(url_for("staff_auth.sessions_page"), code=303)


@bp.route("/password", methods=["GET", "POST"])
@auth.requires()
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
def password_page():
    user = auth.signed_in()
    form = PasswordChangeForm(user)
    if form.validate_on_submit():
        if not auth.confirm_password(user, form.current.data):
            form.current.errors.append(_l("This is not your current password."))
        else:
            queries.change_password(user, form.new.data)
            auth.end_other_sessions(user)
            flash(_l("Your password is changed. You were signed out on your other devices."))
            return redirect(url_for("staff_auth.sessions_page"), code=303)
    return render_template("staff/password.html", form=form)


def recent_password(view):
    """For admin actions: the password typed within the last minutes, else a page asking for it that
    posts the same form again, with everything that was typed carried along."""
    @functools.wraps(view)
    def guarded(*args, **kwargs):
        if request.method != "POST" or auth.recently_confirmed():
            return view(*args, **kwargs)
        form = ConfirmPasswordForm()
        if "confirm_password" in request.form and form.validate_on_submit():
            if auth.confirm_password(auth.signed_in(), form.confirm_password.data):
                return view(*args, **kwargs)
            form.confirm_password.errors.append(_l("The password is not right."))
        carried = [(name, value) for name, value in request.form.items(multi=True)
                   if name not in ("csrf_token", "confirm_password")]
        return render_template("staff/confirm.html", form=form, carried=carried, action=request.full_path.rstrip("?"))
    return guarded
