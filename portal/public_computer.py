"""Public-computer mode, for library computers: a visible "clear everything I did" button, and
everything forgotten after a while without use. The time-out is checked on the server at the next
request, so it needs no JavaScript: whoever sits down next finds nothing of the previous person."""
from __future__ import annotations

import time

from flask import Blueprint, Flask, current_app, flash, g, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l

from portal.concern import drafts
from portal.forms import ActionForm
from portal.security import csrf, same_origin_or_token
from portal.urls import safe_return_path

bp = Blueprint("public_computer", __name__, url_prefix="/<lang>")
MODE_KEY, SEEN_KEY = "public_computer", "public_seen"
DISPLAY_COOKIES = ("text_size", "contrast")
CLEARED = _l("Everything you did on this computer has been cleared: your list, unfinished forms and choices.")
TIMED_OUT = _l("This computer was not used for a while, so everything done on it was cleared.")


def forget_everything() -> None:
    """Unfinished concern notice, my list, sign-in, everything in the session; display cookies go in after_request."""
    drafts.discard()
    session.clear()
    g.forget_display_choices = True


def _check_idle() -> None:
    if not session.get(MODE_KEY):
        return
    now, idle_limit = int(time.time()), current_app.config["PUBLIC_COMPUTER_IDLE_MINUTES"] * 60
    if now - session.get(SEEN_KEY, now) > idle_limit:
        forget_everything()
        flash(str(TIMED_OUT))
        return
    session[SEEN_KEY] = now


def _drop_display_cookies(response):
    if g.get("forget_display_choices"):
        for name in DISPLAY_COOKIES:
            response.delete_cookie(name)
    return response


@bp.post("/public-computer")
@same_origin_or_token  # its button is also on pages a shared cache keeps, which carry no token
def switch():
    if not ActionForm().validate_on_submit():
        return redirect(url_for("pages.home"), code=303)
    if request.form.get("mode") == "on":
        session[MODE_KEY], session[SEEN_KEY] = True, int(time.time())
    else:
        session.pop(MODE_KEY, None)
    return redirect(safe_return_path(request.form.get("next")), code=303)


@bp.post("/clear")
@csrf.exempt  # clearing cannot be abused, and must work even from a page left open for hours
def clear():
    """Clear everything I did. Works without a valid form token too: clearing can never be abused."""
    keep_mode = session.get(MODE_KEY)
    forget_everything()
    if keep_mode:
        session[MODE_KEY], session[SEEN_KEY] = True, int(time.time())
    flash(str(CLEARED))
    return redirect(url_for("pages.home"), code=303)


def init_app(app: Flask) -> None:
    app.before_request(_check_idle)
    app.after_request(_drop_display_cookies)
    app.register_blueprint(bp)
    app.jinja_env.globals["public_computer_on"] = lambda: bool(session.get(MODE_KEY))
