"""The "add to my list" button names its activity in its hidden part, so that a screen reader tells the
buttons of a list apart: in the activity's own language (lang="fi" when only the Finnish name exists),
and still after htmx has swapped the button in place."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from helpers_support import toggle, translated, visitor
from page_checks import soup, words

from portal.limits import limiter


@pytest.fixture
def person(app):
    limiter.reset()
    client = visitor(app)
    # As htmx's post from a page of this site is marked by the browser; the button carries no token.
    client.environ_base["HTTP_SEC_FETCH_SITE"] = "same-origin"
    return client


def hidden_name(form):
    """The button's hidden part, after the ": " that joins it to the visible words."""
    part = form.find("button").select_one(".visually-hidden")
    assert part is not None, f"the button does not name its activity: {form.find('button')}"
    return part


def card_form(page, activity_id: int):
    form = page.select_one(f"form.mylist-toggle[action$='/{activity_id}']")
    assert form is not None, f"no my-list button for activity {activity_id}"
    return form


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_finnish_only_name_is_marked_finnish_on_the_list(client, catalogue, lang):
    walk = catalogue["nature-walk"]  # has its text in Finnish only
    page = soup(client.get(f"/{lang}/activities?q=Vartiosaaressa"))
    part = hidden_name(card_form(page, walk))
    marked = part.find(attrs={"lang": True})
    assert marked is not None and marked["lang"] == "fi", f"the Finnish name is not marked lang=fi: {part}"
    assert words(marked) == "Luontokävely Vartiosaaressa"


def test_a_name_in_the_page_language_carries_no_other_lang(client, catalogue):
    page = soup(client.get("/en/activities?q=crafts"))
    part = hidden_name(card_form(page, catalogue["crafts-cafe"]))
    assert part.find(attrs={"lang": True}) is None
    assert "Crafts café" in words(part)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_button_htmx_swaps_in_still_names_the_activity(app, person, catalogue, lang):
    """Before the fix the swapped-in button read only "Remove from my list": every button of the
    list then sounded the same."""
    digi = catalogue["digi-help"]  # Finnish and English texts, none in Swedish
    person.get(f"/{lang}/activities")
    token = None
    for change, words_before in (("add", "Remove from my list"), ("remove", "Add to my list")):
        response = toggle(person, lang, change, digi, token, htmx=True)
        assert response.status_code == 200
        form = BeautifulSoup(response.get_data(as_text=True), "html.parser").find("form")
        button = " ".join(form.find("button").get_text().split())  # as a screen reader joins it
        name = "Digital help desk" if lang == "en" else "Digituki"
        assert button == f"{translated(app, lang, words_before)}: {name}", button
        marked = hidden_name(form).find(attrs={"lang": True})
        if lang == "sv":
            assert marked is not None and marked["lang"] == "fi", "the Finnish name on a Swedish page is not marked"
        else:
            assert marked is None
