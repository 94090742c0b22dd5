"""Text size and contrast, chosen with a plain form and kept in a cookie: no account, no JavaScript."""
from __future__ import annotations

from flask import Blueprint, g, redirect, request

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


@bp.post("/display")
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
