"""Configuration: one typed Settings with every default, read back from app.config; the city's time
zone (PORTAL_TIMEZONE) used by every "now" and every time shown."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from portal import create_app
from portal.catalogue import schedule
from portal.config import Settings, load_config, local_now, settings


def make(tmp_path, **overrides):
    return create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'config.sqlite3'}", "SECRET_KEY": "test",
                       "DATA_KEYS": ["ZmFrZS1rZXktZm9yLWNvbmZpZy10ZXN0cy0wMDAwMDA="], **overrides})


def test_every_setting_flask_gets_is_a_typed_field_with_its_default(tmp_path):
    config = load_config(tmp_path)
    fields = {f.name.upper() for f in dataclasses.fields(Settings)}
    assert set(config) == fields
    # Defaults once moved out of the modules that used them: they are in app.config from the start.
    assert config["CONCERN_DRAFT_MINUTES"] == 120
    assert config["PUBLIC_COMPUTER_IDLE_MINUTES"] == 15
    assert config["COMPRESS_ALGORITHM"] == ["br", "gzip"]
    assert config["PORTAL_TIMEZONE"] == "Europe/Helsinki"


def test_the_environment_sets_what_it_names(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_PROXIES", "2")
    monkeypatch.setenv("PORTAL_TRUSTED_HOSTS", "hyvinvointi.example.fi, .example.fi")
    monkeypatch.setenv("SMTP_PORT", "2525")
    monkeypatch.setenv("PORTAL_INSECURE_COOKIES", "1")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/portal")
    config = load_config(tmp_path)
    assert config["PROXIES"] == 2
    assert config["PORTAL_TRUSTED_HOSTS"] == ["hyvinvointi.example.fi", ".example.fi"]
    assert config["SMTP_PORT"] == "2525"
    assert config["SESSION_COOKIE_SECURE"] is False
    assert config["DATABASE_URL"] == "postgresql+psycopg://u@db/portal"
    assert config["QUICK_EXIT_URL"] == "https://yle.fi/saa"  # not set: the default


def test_settings_are_the_app_config_typed_including_overrides(tmp_path):
    app = make(tmp_path, PAGE_SIZE=7, PORTAL_TIMEZONE="Europe/Stockholm")
    with app.app_context():
        current = settings()
        assert isinstance(current, Settings)
        assert (current.page_size, current.portal_timezone) == (7, "Europe/Stockholm")
        assert current.service["city"]["sv"] == "Helsingfors"
        app.config["PAGE_SIZE"] = 9  # read as the config is now, not as it was at start
        assert settings().page_size == 9


@pytest.mark.parametrize("ahead, behind", [("Pacific/Kiritimati", "Pacific/Pago_Pago")])
def test_now_is_the_configured_zones_own_time(tmp_path, ahead, behind):
    """UTC+14 and UTC-11: the catalogue's "now" (schedule.local_now, which every area calls) follows
    PORTAL_TIMEZONE without being told, 25 hours apart."""
    times = {}
    for zone in (ahead, behind):
        with make(tmp_path, PORTAL_TIMEZONE=zone).app_context():
            times[zone] = schedule.local_now()
            assert times[zone].tzinfo is None and times[zone].microsecond == 0
    gap = times[ahead] - times[behind]
    assert dt.timedelta(hours=24, minutes=59) < gap < dt.timedelta(hours=25, minutes=1)


def test_outside_an_app_now_is_helsinki_time():
    from zoneinfo import ZoneInfo

    helsinki = dt.datetime.now(ZoneInfo("Europe/Helsinki")).replace(tzinfo=None)
    assert abs(local_now() - helsinki) < dt.timedelta(minutes=1)
