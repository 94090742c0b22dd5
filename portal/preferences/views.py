"""Text size and contrast, chosen with a plain form and kept in a cookie: no account, no JavaScript."""
from __future__ import annotations

from flask import Blueprint, g, redirect, request

from portal.security import same_origin_or_token
from portal.urls import safe_return_path

bp = Blueprint("preferences", __name__, url_prefix="/<lang>")

TEXT_SIZES = ("normal", "large", "larger")
CONTRASTS = ("normal", "high")
ONE_YEAR = 365 * 24 * 3600


def chosen(name: str, allowed: tuple[str, ...]) -> str:
    if g.get("forget_display_choices"):  # cleared on a public computer: this very page is already plain
        return allowed[0]
    value = request.cookies.get(name, allowed[0])
    return value if value in allowed else allowed[0]


# The form is in the header of every page, pages a shared cache keeps included, where it carries no
# CSRF token (a token would tie each of those pages to a session). It is then accepted when the
# browser says it was sent from this site (security.same_origin_or_token), as the my-list buttons are.
# Exempting it outright would also be defensible: a forged post from another site could only set this
# browser's text size or contrast, a change the visitor sees at once and undoes with one press; it
# reads nothing, touches no session and no stored data, and sends the visitor back only to a path on
# this site (safe_return_path); its cookies are the visitor's own choice, SameSite=Lax and HttpOnly.
# The origin check costs nothing, though, and a browser that marks nothing gets a page whose form
# carries a token (the error page is not shared), so the refusal costs one more press at most.
@bp.post("/display")
@same_origin_or_token
def display():
    response = redirect(safe_return_path(request.form.get("next")), code=303)
    for name, allowed in (("text_size", TEXT_SIZES), ("contrast", CONTRASTS)):
        value = request.form.get(name, "")
        if value in allowed:
            response.set_cookie(name, value, max_age=ONE_YEAR, httponly=True, samesite="Lax",
                                secure=request.is_secure)
    return response


@bp.app_context_processor
def display_choices() -> dict:
    return {"text_size": chosen("text_size", TEXT_SIZES), "contrast": chosen("contrast", CONTRASTS)}
