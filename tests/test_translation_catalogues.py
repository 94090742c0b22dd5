"""Every string people see is translated in fi, sv and en, and the catalogues are not stale."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "portal" / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def read(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def ids(catalogue) -> set:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The strings the code and templates use today, extracted as `make translations-extract` does."""
    out = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
                    "-k", "lazy_gettext", "-o", str(out), "."], cwd=ROOT, check=True, capture_output=True)
    return read(out)


def test_the_committed_template_matches_the_code(extracted):
    committed = read(CATALOGUES / "messages.pot")
    missing, unused = ids(extracted) - ids(committed), ids(committed) - ids(extracted)
    assert not missing and not unused, (
        f"messages.pot is stale: run `make translations-update`. New: {sorted(missing)[:5]} Gone: {sorted(unused)[:5]}")


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_every_string_is_translated(extracted, lang):
    catalogue = read(CATALOGUES / lang / "LC_MESSAGES" / "messages.po")
    assert ids(extracted) <= ids(catalogue), f"{lang}: strings missing: {sorted(ids(extracted) - ids(catalogue))[:5]}"
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{lang}: not translated: {message.id!r}"
        assert not message.fuzzy, f"{lang}: fuzzy, check it: {message.id!r}"
        source = message.id if isinstance(message.id, str) else message.id[0]
        for translated in strings:
            assert set(PLACEHOLDER.findall(translated)) == set(PLACEHOLDER.findall(source)), (
                f"{lang}: placeholders differ in {message.id!r}: {translated!r}")


def test_translations_are_used_on_pages(client):
    """The compiled catalogues are loaded: a Swedish page is in Swedish, a Finnish one in Finnish."""
    assert "Hitta aktiviteter" in client.get("/sv/activities").get_data(as_text=True)
    assert "Etsi toimintaa" in client.get("/fi/activities").get_data(as_text=True)
