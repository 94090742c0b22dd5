"""Security in one place: the headers every response gets (error pages included) and CSRF."""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request, session
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import SecurityError
from werkzeug.wsgi import get_host

csrf = CSRFProtect()


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


# Every response, static files included. The CSP of a static file matters for an SVG opened on its own.
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "geolocation=(), camera=(), microphone=(), payment=()",
}
STATIC_CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'"
HSTS = "max-age=31536000; includeSubDomains"
# Areas whose pages show what a person typed or chose (their own request, their notice, their list,
# staff work): a browser or shared cache must never keep a copy.
PRIVATE_AREAS = ("callback", "concern", "mylist", "feedback", "staff_")
# Where `make run` and the tests are served when no public address is configured.
LOCAL_HOSTS = ["localhost", "127.0.0.1", "[::1]"]


def _shows_personal_data() -> bool:
    blueprint = request.blueprint or ""
    return (g.get("private_page") or request.method == "POST"
            or any(blueprint == area or (area.endswith("_") and blueprint.startswith(area)) for area in PRIVATE_AREAS))


# --- pages a shared cache may keep ----------------------------------------------------------------
# The catalogue list, an activity's page and their calendar files are the same for every visitor
# without a cookie, so a CDN or a caching proxy in front of gunicorn may serve them. Short, because
# "next time" moves on and listings change: a minute fresh, then five more while revalidating.
PUBLIC_CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=300"
# Cookies that only choose how a page looks (preferences/views.py): the page is still the same for all
# who chose the same, so it stays shared-cacheable (Vary: Cookie) and the choices are in its ETag.
DISPLAY_COOKIES = ("text_size", "contrast")
# Request headers that change the answer at the same address (the results alone for htmx).
VARYING_REQUEST_HEADERS = ("HX-Request", "HX-Target", "HX-History-Restore-Request")


def _release() -> str:
    """Changes when the code, the templates or the translations do (their newest modification time),
    so that a new deployment never answers 304 for a page an older one drew. Once per worker."""
    if "PORTAL_RELEASE" not in current_app.config:
        from pathlib import Path

        stamp = max((p.stat().st_mtime_ns for p in Path(current_app.root_path).rglob("*")
                     if p.suffix in (".py", ".html", ".mo")), default=0)
        current_app.config["PORTAL_RELEASE"] = f"{stamp:x}"
    return current_app.config["PORTAL_RELEASE"]


def shared_cache_page(*validators) -> object | None:
    """Call at the top of a GET view whose answer is the same for every visitor without a cookie.

    For such a visitor the answer gets `Cache-Control: public` and a weak ETag made of `validators`
    (the catalogue version, the date...), the address with its query, the display choices and the htmx
    headers; a conditional request with that ETag gets a 304 at once, before the page is drawn (the
    returned response: return it). Any other cookie (the session with my list, a staff sign-in) makes
    the answer private, as before. Nothing here sets a cookie: a page that does set one after all (a
    session written while drawing it) is never marked public (see set_security_headers)."""
    if request.method not in ("GET", "HEAD"):
        return None
    if any(name not in DISPLAY_COOKIES for name in request.cookies):
        g.private_cache = True  # the page shows this visitor's own list: their browser only may keep it
        return None
    parts = [_release(), *map(str, validators), request.path, request.query_string.decode("latin-1"),
             *(request.cookies.get(name, "") for name in DISPLAY_COOKIES),
             *(request.headers.get(name, "") for name in VARYING_REQUEST_HEADERS)]
    # Weak: the bytes differ from one answer to the next (the CSP nonce), the page does not. Weak tags
    # are also the ones flask-compress leaves alone (it suffixes strong ones with ":br"), so the tag a
    # browser got compressed is the tag it sends back, whatever the encoding.
    etag = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=12).hexdigest()
    g.shared_cache_etag = etag
    if request.if_none_match.contains_weak(etag):
        response = current_app.response_class(status=304)
        response.set_etag(etag, weak=True)
        return response
    return None


def _mark_shared_cacheable(response) -> None:
    if g.get("private_cache") and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "private, no-cache"
    etag = g.get("shared_cache_etag")
    if etag is None or response.status_code not in (200, 304):
        return
    if session.modified or "Set-Cookie" in response.headers:
        # Drawing the page wrote to the session after all: this answer belongs to one browser.
        response.headers["Cache-Control"] = "private, no-cache"
        return
    response.headers["Cache-Control"] = PUBLIC_CACHE_CONTROL
    response.set_etag(etag, weak=True)
    response.vary.add("Cookie")
    response.vary.update(VARYING_REQUEST_HEADERS)


# --- forms on pages a shared cache keeps ------------------------------------------------------------

def _posted_from_this_site() -> bool:
    """The browser's own word that the form was sent from a page of this site. Every current browser
    marks a form post with Sec-Fetch-Site, or at least with Origin; a page elsewhere can set neither
    (they are forbidden header names for scripts, and a cross-site form gets its own origin in them)."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("Origin")
    return origin is not None and origin == f"{request.scheme}://{request.host}"


def same_origin_or_token(view: Callable) -> Callable:
    """CSRF protection for a form that is shown on shared-cacheable pages, where it carries no token (a
    token lives in the session, and a session would make the page one visitor's). The post is accepted
    when the browser says it came from this site (Sec-Fetch-Site or Origin); otherwise it needs a good
    CSRF token as any form does, and without one gets the CSRF error handler's answer (a view may show
    its form again there with a token: errors.keeps_input_when_expired). Two defences remain for the
    token-less post: this check, and the session cookie's SameSite=Lax, which a browser does not send
    with a post from another site."""
    @wraps(view)
    def checked(*args, **kwargs):
        if _posted_from_this_site():
            g.csrf_valid = True  # what CSRFProtect sets: forms in the view then need no token either
        else:
            csrf.protect()
        return view(*args, **kwargs)

    csrf.exempt(checked)
    return checked


def set_security_headers(response):
    nonce = csp_nonce()
    response.headers["Content-Security-Policy"] = "; ".join((
        "default-src 'none'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "manifest-src 'self'",
    ))
    response.headers.update(COMMON_HEADERS)
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = HSTS
    _mark_shared_cacheable(response)
    # Pages that carry a session (forms, personal choices) must never be stored by a shared cache.
    if response.mimetype == "text/html" and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store" if _shows_personal_data() else "no-cache"
    return response


def add_static_headers(headers, _path: str, _url: str) -> None:
    """WhiteNoise serves static files before the app sees the request: the same headers there."""
    headers["Content-Security-Policy"] = STATIC_CSP
    for name, value in COMMON_HEADERS.items():
        headers[name] = value
    # Browsers ignore it over plain HTTP, and WhiteNoise does not know the scheme.
    headers["Strict-Transport-Security"] = HSTS


def _public_address(app: Flask) -> None:
    """Absolute links on the configured base URL, and only trusted hosts answered, so a forged Host
    header never reaches a link (Flask builds external URLs on SERVER_NAME when it is set)."""
    base = app.config.get("PORTAL_BASE_URL")
    hosts = list(app.config.get("PORTAL_TRUSTED_HOSTS") or [])
    if base:
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
            raise ValueError("PORTAL_BASE_URL must be like https://portal.example.fi (no path).")
        app.config["SERVER_NAME"] = parts.netloc
        app.config["PREFERRED_URL_SCHEME"] = parts.scheme
        # Flask's own middleware pattern; its stubs type wsgi_app as a method.
        app.wsgi_app = _public_scheme(app.wsgi_app, parts.scheme)  # type: ignore[method-assign]
        hosts = hosts or [parts.hostname]
    if app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = hosts or LOCAL_HOSTS


def _public_scheme(wsgi_app, scheme: str):
    """Requests are answered as on the public address's scheme (HTTPS ends at the proxy in front), so
    links, secure cookies and the CSRF referrer check all agree with it."""
    def app(environ, start_response):
        environ["wsgi.url_scheme"] = scheme
        return wsgi_app(environ, start_response)
    return app


UNTRUSTED_HOST_TEXT = b"Virheellinen osoite. / Felaktig adress. / Wrong address.\n"


def _trusted_hosts_only(wsgi_app, hosts: list[str]):
    """Refuse a request to any other host at the door, with a plain 400: past this point a forged Host
    could not reach a link anyway, but an error page would need a host to build its own links on."""
    def app(environ, start_response):
        try:
            get_host(environ, trusted_hosts=hosts)
        except SecurityError:
            headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(UNTRUSTED_HOST_TEXT))),
                       ("Cache-Control", "no-store"), ("Content-Security-Policy", STATIC_CSP), *COMMON_HEADERS.items()]
            start_response("400 Bad Request", headers)
            return [UNTRUSTED_HOST_TEXT]
        return wsgi_app(environ, start_response)
    return app


def init_app(app: Flask) -> None:
    _public_address(app)
    # Flask's own middleware pattern; its stubs type wsgi_app as a method.
    app.wsgi_app = _trusted_hosts_only(app.wsgi_app, app.config["TRUSTED_HOSTS"])  # type: ignore[method-assign]
    csrf.init_app(app)
    app.after_request(set_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
