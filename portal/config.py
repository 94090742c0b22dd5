"""Configuration: every setting with its type and default in one place (`Settings`). Secrets come from the
environment or from instance/. Flask keeps them in app.config under the upper-case names; code reads
them typed through `settings()`, so a default is never written again where a setting is used."""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TIMEZONE = "Europe/Helsinki"


def _demo_service() -> dict[str, Any]:
    """The demo city's contact details; a deployment for another city overrides them."""
    return {
        # Names as each language writes them.
        "city": {"fi": "Helsinki", "sv": "Helsingfors", "en": "Helsinki"},
        "advice_line_name": {"fi": "Seniori-info", "sv": "Seniorinfo", "en": "Seniori-info"},
        "advice_line_phone": "+358931044556",
        "advice_line_phone_display": "09 310 44556",
        "advice_line_hours": [("mon", "fri", "09:00", "15:00")],
        "health_line_phone": "+358931010023",
        "health_line_phone_display": "09 310 10023",
        "emergency_phone": "112",
        # The other channels and urgent lines. None: not confirmed from a published source yet, so the
        # pages leave the channel or number out rather than guess (see README, "Contact facts").
        # "advice_line_email": "name@city.fi"; "office": {"address": {lang: text}, "hours": [spans like
        # advice_line_hours], "access": {lang: text}}; "letter_address": {lang: text (lines split by \n)}.
        "advice_line_email": None,
        "office": None,
        "letter_address": None,
        # Social and crisis emergency service (sosiaali- ja kriisipäivystys): urgent social help outside
        # office hours. Poison information: the national poison information centre.
        "social_emergency_phone": None,
        "social_emergency_phone_display": None,
        "poison_info_phone": None,
        "poison_info_phone_display": None,
        # Promises made on confirmation pages, in working days.
        "callback_within_working_days": 1,
        "concern_within_working_days": 3,
        # Personal data of closed items is deleted this many days after closing; counts stay.
        # "Report a problem" texts (residents may write their name or number in them) are deleted
        # this many days after an editor resolved the report, or after it was sent if none did.
        "retention_days": {"callback": 180, "concern": 365, "report": 90},
        # Where advisers hand an item over to (escorted hand-over, portal/staff/handover.py): the units the
        # Seniori-info Q3 2020 report and the PAKU cards name. "organisation": the person's consent is
        # asked first; "outcome": the reporting code the item closes with; "contact": {"phone",
        # "phone_display", "email"} once confirmed from a published source (none is yet: names only).
        "handover_units": [
            {"code": "service_need_assessment", "organisation": False, "contact": None,
             "name": {"fi": "Palvelutarpeen arviointi (RAISA)", "sv": "Bedömning av servicebehovet (RAISA)",
                      "en": "Service-need assessment (RAISA)"},
             "outcome": {"callback": "new_client_assessment", "concern": "service_need_assessment"}},
            {"code": "home_care", "organisation": False, "contact": None,
             "name": {"fi": "Kotihoito", "sv": "Hemvården", "en": "Home care"},
             "outcome": {"callback": "existing_client_advice", "concern": "care_network_informed"}},
            {"code": "gerontological_social_work", "organisation": False, "contact": None,
             "name": {"fi": "Gerontologinen sosiaalityö", "sv": "Gerontologiskt socialt arbete",
                      "en": "Gerontological social work"},
             "outcome": {"callback": "existing_client_advice", "concern": "care_network_informed"}},
            {"code": "health_station", "organisation": False, "contact": None,
             "name": {"fi": "Terveysasema", "sv": "Hälsostationen", "en": "Health station"},
             "outcome": {"callback": "health_station_advice", "concern": "care_network_informed"}},
            {"code": "rehabilitative_assessment", "organisation": False, "contact": None,
             "name": {"fi": "Kuntouttava arviointiyksikkö", "sv": "Rehabiliterande bedömningsenhet",
                      "en": "Rehabilitative assessment unit"},
             "outcome": {"callback": "existing_client_advice", "concern": "care_network_informed"}},
            # The outreach pilot's organisations (etsivä vanhustyö), coordinated by Valli.
            *[{"code": code, "organisation": True, "contact": None,
               "name": {"fi": f"{name} (etsivä vanhustyö)", "sv": f"{name} (uppsökande äldrearbete)",
                        "en": f"{name} (outreach work)"},
               "outcome": {"callback": "ngo_private_info", "concern": "referred_organisation"}}
              for code, name in (("mereo", "Mereo"), ("kapyrinne", "Käpyrinne"), ("seniori_vamos", "Seniori-Vamos"),
                                 ("omakotisaatio", "Omakotisäätiö"))],
        ],
        # {query}: the address; {lat}/{lon}: the venue; {lang}: fi, sv or en.
        "journey_planner": "https://reittiopas.hsl.fi/reitti/-/{query}::{lat},{lon}?locale={lang}",
    }


@dataclass(frozen=True)
class Settings:
    """Each field is app.config[FIELD_NAME_IN_UPPER_CASE]; create_app(test_config) may override any."""

    secret_key: str
    database_url: str
    redis_url: str | None = None
    # Cookies: never readable by script, sent only over HTTPS unless explicitly in local development.
    session_cookie_httponly: bool = True
    session_cookie_samesite: str = "Lax"
    session_cookie_secure: bool = True
    preferred_url_scheme: str = "https"
    # The address residents use, e.g. https://hyvinvointi.example.fi: every absolute link (API,
    # calendar feeds, shared lists, QR codes) is built on it, never on the request's Host header.
    portal_base_url: str | None = None
    # Host names requests may come to (comma-separated; ".example.fi" allows its subdomains); others
    # get a 400. Default: the base URL's host, else only this machine (make run, tests).
    portal_trusted_hosts: list[str] = field(default_factory=list)
    # How many proxies in front set X-Forwarded-* (0: none). Needed for the real client address
    # (rate limits) and scheme (secure cookies) behind a load balancer.
    proxies: int = 0
    max_content_length: int = 64 * 1024
    max_form_memory_size: int = 64 * 1024
    wtf_csrf_time_limit: int = 4 * 3600
    babel_default_locale: str = "fi"
    babel_default_timezone: str = DEFAULT_TIMEZONE
    # The city's time zone: "now", "today", opening hours and every time shown to people.
    portal_timezone: str = DEFAULT_TIMEZONE
    page_size: int = 20
    # Keys for the encrypted columns, newest first (None: PORTAL_DATA_KEYS, else instance/data_keys).
    data_keys: list[str] | None = None
    # A concern notice being written is kept this long after its last step, then deleted.
    concern_draft_minutes: int = 120
    # The second call attempt to a callback request waits at least this long after the first
    # (the service always makes two; one minute apart they would reach nobody new).
    callback_attempt_interval_minutes: int = 120
    # The topics advisers tag items with for social reporting, in this order (codes of
    # portal/staff/topics.py); None: all of them.
    report_topics: list[str] | None = None
    # On a public computer, everything is forgotten after this long without use.
    public_computer_idle_minutes: int = 15
    # Notifications of new submissions (see portal/outbox.py); none are sent without SMTP_HOST.
    team_email: str | None = None
    mail_from: str | None = None
    smtp_host: str | None = None
    smtp_port: str = "587"
    smtp_user: str | None = None
    smtp_password: str | None = None
    # Quick exit from the concern form goes to a neutral page on another site.
    quick_exit_url: str = "https://yle.fi/saa"
    # Compression (Flask-Compress): only the two every browser and calendar app understands, zstd and
    # deflate add nothing for them; brotli 5 on a 45 KB page costs about a millisecond and sends a tenth.
    compress_algorithm: list[str] = field(default_factory=lambda: ["br", "gzip"])
    compress_algorithm_streaming: list[str] = field(default_factory=lambda: ["br"])
    compress_mimetypes: list[str] = field(default_factory=lambda: [
        "text/html", "application/json", "text/calendar", "image/svg+xml", "text/css", "text/javascript",
        "application/javascript", "text/plain"])
    compress_br_level: int = 5
    service: dict[str, Any] = field(default_factory=_demo_service)
    # The Linked Events API imported from (`flask import linked-events`), and what is asked of it: events
    # with these audience or topic keywords (yso:p2433 older people, helsinki:aflfbatkwe family carers,
    # helsinki:aflfbat76e service-centre card) in this division.
    linked_events_url: str = "https://api.hel.fi/linkedevents/v1/"
    linked_events_keywords: list[str] = field(default_factory=lambda: [
        "yso:p2433", "helsinki:aflfbatkwe", "helsinki:aflfbat76e"])
    linked_events_division: str = "ocd-division/country:fi/kunta:helsinki"

    def as_flask_config(self) -> dict[str, Any]:
        return {f.name.upper(): getattr(self, f.name) for f in dataclasses.fields(self)}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        """The typed view of app.config (after any overrides); a missing key keeps its default."""
        return cls(**{f.name: config[f.name.upper()] for f in dataclasses.fields(cls) if f.name.upper() in config})


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


def _database_url(instance_path: Path) -> str:
    database_url = os.environ.get("DATABASE_URL", f"sqlite:///{instance_path / 'portal.sqlite3'}")
    # Hosting platforms still hand out postgres:// URLs; SQLAlchemy wants the psycopg 3 driver named.
    database_url = database_url.replace("postgres://", "postgresql+psycopg://", 1)
    if database_url.startswith("postgresql://"):
        database_url = database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    return database_url


def load_settings(instance_path: Path) -> Settings:
    """The settings the environment gives (the variables are named in README.md), defaults for the rest."""
    env = os.environ.get
    optional: dict[str, Any] = {name: value for name, value in {
        "smtp_port": env("SMTP_PORT"), "quick_exit_url": env("QUICK_EXIT_URL"),
        "linked_events_url": env("LINKED_EVENTS_URL")}.items() if value}
    return Settings(
        secret_key=_secret_key(instance_path),
        database_url=_database_url(instance_path),
        redis_url=env("REDIS_URL"),
        session_cookie_secure=env("PORTAL_INSECURE_COOKIES") != "1",
        portal_base_url=env("PORTAL_BASE_URL"),
        portal_trusted_hosts=[h.strip() for h in env("PORTAL_TRUSTED_HOSTS", "").split(",") if h.strip()],
        proxies=int(env("PORTAL_PROXIES", "0")),
        team_email=env("TEAM_EMAIL"),
        mail_from=env("MAIL_FROM"),
        smtp_host=env("SMTP_HOST"),
        smtp_user=env("SMTP_USER"),
        smtp_password=env("SMTP_PASSWORD"),
        **optional,
    )


def load_config(instance_path: Path) -> dict[str, Any]:
    """For app.config.update(): the settings under Flask's upper-case names."""
    return load_settings(instance_path).as_flask_config()


def settings() -> Settings:
    """This app's settings, typed, read from app.config as it is now (a test may have changed it)."""
    return Settings.from_config(current_app.config)


def city_timezone() -> ZoneInfo:
    """The configured time zone (PORTAL_TIMEZONE); Helsinki outside an app, as in a bare script."""
    return ZoneInfo(current_app.config["PORTAL_TIMEZONE"] if has_app_context() else DEFAULT_TIMEZONE)


def local_now(timezone: str | None = None) -> dt.datetime:
    """The city's wall-clock time now, naive (as activities' times are stored), to the second."""
    zone = ZoneInfo(timezone) if timezone else city_timezone()
    return dt.datetime.now(zone).replace(tzinfo=None, microsecond=0)
