"""Security in one place: the headers every response gets (error pages included) and CSRF."""
from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Flask, g, request
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
        app.wsgi_app = _public_scheme(app.wsgi_app, parts.scheme)
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
    app.wsgi_app = _trusted_hosts_only(app.wsgi_app, app.config["TRUSTED_HOSTS"])
    csrf.init_app(app)
    app.after_request(set_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
