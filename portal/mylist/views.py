"""My list: add and remove (plain forms, htmx swaps the button in place), the list page, a share link
that carries the list, and the large-print handout."""
from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_wtf.csrf import generate_csrf
from htmx_flask import request as htmx_request

from portal.catalogue import schedule
from portal.errors import keeps_input_when_expired
from portal.forms import ActionForm
from portal.i18n import gettext as _
from portal.mylist import store
from portal.qr import qr_svg
from portal.security import same_origin_or_token
from portal.urls import safe_return_path

bp = Blueprint("mylist", __name__, url_prefix="/<lang>/my-list")
bp.add_app_template_global(store.ids, "my_list_ids")
bp.add_app_template_global(qr_svg)


@bp.app_template_global()
def mylist_parts() -> dict:
    """What every my-list button of a page shares (mylist/button.html), worked out once per request
    rather than once per button: the words, the address the buttons post to, where to come back."""
    if "mylist_parts" not in g:
        g.mylist_parts = {
            "base": url_for("mylist.page"),
            "next": (request.full_path.rstrip("?") if request.method == "GET" and not request.headers.get("HX-Request")
                     else url_for("mylist.page")),
            "add": _("Add to my list"), "remove": _("Remove from my list"), "in_your_list": _("In your list"),
            "ids": set(store.ids()), "token": None,
        }
    return g.mylist_parts


@bp.post("/<any(add, remove):change>/<int:activity_id>")
@same_origin_or_token
def toggle(change: str, activity_id: int):
    found = store.activities([activity_id])
    if change == "add" and not found:
        abort(404)
    (store.add if change == "add" else store.remove)(activity_id)
    if htmx_request.htmx:
        # The button swapped in still names its activity (one that no longer exists can only be removed).
        return render_template("mylist/toggle.html", activity=found[0] if found else None, activity_id=activity_id,
                               in_list=activity_id in store.ids(), oob_header=True)
    return redirect(safe_return_path(request.form.get("next") or url_for("mylist.page")), code=303)


@keeps_input_when_expired("mylist.toggle")
def toggle_again(change: str, activity_id: int):
    """A post that neither came marked from this site nor carried a good token (a browser that sends
    neither Sec-Fetch-Site nor Origin, or a page elsewhere): nothing changes, and the visitor gets the
    same button again, now with a token, to press once more. The token is issued only here, on this
    first interaction, so the catalogue pages themselves never need a session."""
    found = store.activities([activity_id])
    if change == "add" and not found:
        abort(404)
    back = safe_return_path(request.form.get("next") or url_for("mylist.page"))
    parts = {**mylist_parts(), "token": generate_csrf(), "next": back}
    return render_template("mylist/confirm.html", change=change, activity=found[0] if found else None,
                           activity_id=activity_id, parts=parts), 400


@bp.get("")
def page():
    shared = request.args.get("ids")
    activities = store.activities(store.parse_shared(shared) if shared is not None else store.ids())
    return render_template("mylist/page.html", activities=activities, shared=shared is not None,
                           share_value=store.shared_value([a.id for a in activities]))


@bp.post("/keep")
def keep():
    """Save a list someone shared into this browser's own list."""
    if not ActionForm().validate_on_submit():
        abort(400)
    for activity in store.activities(store.parse_shared(request.form.get("ids"))):
        store.add(activity.id)
    return redirect(url_for("mylist.page"), code=303)


@bp.get("/handout")
def handout():
    chosen = store.parse_shared(request.args["ids"]) if "ids" in request.args else store.ids()
    now = schedule.local_now()
    return render_template("mylist/handout.html", activities=store.activities(chosen), now=now, today=now.date())
