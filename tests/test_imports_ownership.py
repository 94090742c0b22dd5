"""An imported activity in the staff editor: what the source owns is shown disabled with the reason, and
the server keeps the source's value whatever is posted; the editor's additions are saved and kept."""
from __future__ import annotations

import re

from page_checks import check_page
from staff_support import csrf, make_staff, sign_in, text_of
from test_imports_linked_events import activity_for, event, le_app, page, run  # noqa: F401 - le_app: fixture

from portal.staff import listings


def post_data(activity, token: str) -> dict:
    """The edit form as a browser would post it, filled from the stored activity."""
    data: dict = {"csrf_token": token}
    for key, value in listings.form_data(activity).items():
        if isinstance(value, dict):
            data.update({f"{key}-{field}": text for field, text in value.items()})
        else:
            data[key] = "" if value is None else value
    return data


def test_an_editor_cannot_change_what_linked_events_owns_but_keeps_their_additions(le_app):
    run(le_app, [page(event("helsinki:o1", "2026-12-10T10:00:00Z", short_description=None))])
    client = sign_in(le_app, make_staff(le_app, ["editor"]))
    with le_app.app_context():
        activity = activity_for(le_app, "helsinki:o1")
        url = f"/en/staff/listings/{activity.id}"
        name, price, categories = activity.texts["fi"].name, activity.price_cents, activity.categories
        form = post_data(activity, csrf(client))
    shown = client.get(url)
    check_page(shown)
    html = shown.get_data(as_text=True)
    assert "This comes from Linked Events and is updated from there." in text_of(shown)
    name_input = re.findall(r'<input[^>]*id="text_fi-name"[^>]*>', html)[0]
    summary_input = re.findall(r'<input[^>]*id="text_fi-summary"[^>]*>', html)[0]
    assert "disabled" in name_input and "disabled" not in summary_input  # no short description: editor's
    # A hand-made post changes the owned fields too: only the additions may be saved.
    form.update({"text_fi-name": "Muutettu nimi", "price_euros": "99", "categories": ["culture"],
                 "text_fi-summary": "Selkokielinen tiivistelmä", "text_fi-how_to_join": "Tule paikalle.",
                 "access_seated_option": "yes"})
    saved = client.post(url, data=form)
    assert saved.status_code == 303, text_of(saved)[:600]
    activity = activity_for(le_app, "helsinki:o1")
    assert (activity.texts["fi"].name, activity.price_cents, activity.categories) == (name, price, categories)
    assert activity.texts["fi"].summary == "Selkokielinen tiivistelmä"
    assert activity.texts["fi"].how_to_join == "Tule paikalle."
    assert activity.access.get("seated_option") == "yes"
    finnish = text_of(client.get(f"/fi/staff/listings/{activity.id}"))
    assert "Tämä tulee Linked Eventsistä" in finnish
