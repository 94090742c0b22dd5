"""Configuration with safe defaults. Secrets come from the environment or from instance/."""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def _secret_key(instance_path: Path) -> str:
    """The key signing sessions: SECRET_KEY from the environment, else one generated once into instance/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load_config(instance_path: Path) -> dict:
    database_url = os.environ.get("DATABASE_URL", f"sqlite:///{instance_path / 'portal.sqlite3'}")
    # Hosting platforms still hand out postgres:// URLs; SQLAlchemy wants the psycopg 3 driver named.
    database_url = database_url.replace("postgres://", "postgresql+psycopg://", 1)
    if database_url.startswith("postgresql://"):
        database_url = database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ.get("REDIS_URL"),
        # Cookies: never readable by script, sent only over HTTPS unless explicitly in local development.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("PORTAL_INSECURE_COOKIES") != "1",
        "PREFERRED_URL_SCHEME": "https",
        # The address residents use, e.g. https://hyvinvointi.example.fi: every absolute link (API,
        # calendar feeds, shared lists, QR codes) is built on it, never on the request's Host header.
        "PORTAL_BASE_URL": os.environ.get("PORTAL_BASE_URL"),
        # Host names requests may come to (comma-separated; ".example.fi" allows its subdomains); others
        # get a 400. Default: the base URL's host, else only this machine (make run, tests).
        "PORTAL_TRUSTED_HOSTS": [h.strip() for h in os.environ.get("PORTAL_TRUSTED_HOSTS", "").split(",") if h.strip()],
        # How many proxies in front set X-Forwarded-* (0: none). Needed for the real client address
        # (rate limits) and scheme (secure cookies) behind a load balancer.
        "PROXIES": int(os.environ.get("PORTAL_PROXIES", "0")),
        "MAX_CONTENT_LENGTH": 64 * 1024,
        "MAX_FORM_MEMORY_SIZE": 64 * 1024,
        "WTF_CSRF_TIME_LIMIT": 4 * 3600,
        "BABEL_DEFAULT_LOCALE": "fi",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Helsinki",
        "PORTAL_TIMEZONE": "Europe/Helsinki",
        "PAGE_SIZE": 20,
        # Notifications of new submissions (see portal/outbox.py); none are sent without SMTP_HOST.
        "TEAM_EMAIL": os.environ.get("TEAM_EMAIL"),
        "MAIL_FROM": os.environ.get("MAIL_FROM"),
        "SMTP_HOST": os.environ.get("SMTP_HOST"),
        "SMTP_PORT": os.environ.get("SMTP_PORT", "587"),
        "SMTP_USER": os.environ.get("SMTP_USER"),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD"),
        # Quick exit from the concern form goes to a neutral page on another site.
        "QUICK_EXIT_URL": os.environ.get("QUICK_EXIT_URL", "https://yle.fi/saa"),
        # The demo city's contact details; a deployment for another city overrides them.
        "SERVICE": {
            # Names as each language writes them.
            "city": {"fi": "Helsinki", "sv": "Helsingfors", "en": "Helsinki"},
            "advice_line_name": {"fi": "Seniori-info", "sv": "Seniorinfo", "en": "Seniori-info"},
            "advice_line_phone": "+358931044556",
            "advice_line_phone_display": "09 310 44556",
            "advice_line_hours": [("mon", "fri", "09:00", "15:00")],
            "health_line_phone": "+358931010023",
            "health_line_phone_display": "09 310 10023",
            "emergency_phone": "112",
            # Promises made on confirmation pages, in working days.
            "callback_within_working_days": 1,
            "concern_within_working_days": 3,
            # Personal data of closed items is deleted this many days after closing; counts stay.
            # "Report a problem" texts (residents may write their name or number in them) are deleted
            # this many days after an editor resolved the report, or after it was sent if none did.
            "retention_days": {"callback": 180, "concern": 365, "report": 90},
            # {query}: the address; {lat}/{lon}: the venue; {lang}: fi, sv or en.
            "journey_planner": "https://reittiopas.hsl.fi/reitti/-/{query}::{lat},{lon}?locale={lang}",
        },
    }
