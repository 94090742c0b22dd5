"""The front page and the plain information pages."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for

from portal.i18n import preferred_language
from portal.pages import privacy
from portal.pages.own_contact import COMMON_AT_HAND, SERVICES

bp = Blueprint("pages", __name__)
privacy.register(bp)  # /privacy, a page per kind of data, and the rights page


@bp.get("/")
def root():
    return redirect(url_for("pages.home", lang=preferred_language()))


@bp.get("/healthz")
def health():
    """For load balancers and as the benchmark's baseline: the cheapest route the app has."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


@bp.get("/<lang>/")
def home():
    return render_template("pages/home.html")


@bp.get("/<lang>/contact")
def contact():
    return render_template("pages/contact.html")


@bp.get("/<lang>/own-contact")
def own_contact():
    return render_template("pages/own_contact.html", services=SERVICES, common_at_hand=COMMON_AT_HAND)


@bp.get("/<lang>/accessibility")
def accessibility():
    return render_template("pages/accessibility.html")

