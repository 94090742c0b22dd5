"""Fields of an imported activity that its source owns, as the staff listing editor treats them.

portal.imports builds on the staff package (its pages, audit and accounts), so staff may not import it
back (the import contract forbids the cycle). The importer registers here how to find what a source
owns (portal/imports/ownership.py); the editor asks through `owned()` and uses the form helpers below."""
from __future__ import annotations

from collections.abc import Callable

from portal.catalogue import vocab

# activity id -> (owned form field names, the plain reason shown on them), or None when typed in.
Lookup = Callable[[int], "tuple[set[str], str] | None"]
_lookups: list[Lookup] = []


def register(lookup: Lookup) -> None:
    if lookup not in _lookups:
        _lookups.append(lookup)


def owned(activity_id: int) -> tuple[set[str], str] | None:
    for lookup in _lookups:
        if (found := lookup(activity_id)) is not None:
            return found
    return None


def _field(form, name: str):
    if "." in name:
        group, field = name.split(".", 1)
        return getattr(form[group].form, field)
    return form[name]


def keep_source_values(form, stored: dict, owned: set[str]) -> None:
    """Replace whatever was posted for an owned field with the stored value (never trust the client)."""
    for name in owned:
        field = _field(form, name)
        if "." in name:
            group, key = name.split(".", 1)
            field.data = (stored.get(group) or {}).get(key, "")
        else:
            field.data = stored.get(name, field.default)
        field.raw_data = None


def lock(form, owned: set[str], why: str) -> None:
    """Show owned fields disabled, with the plain reason as their hint."""
    for name in owned:
        field = _field(form, name)
        field.render_kw = {**(field.render_kw or {}), "disabled": True}
        field.description = why


def valid_apart_from_owned(form, owned: set[str]) -> bool:
    """form.validate_on_submit(), but a source's own value that our form would refuse (an event that ends
    when it starts, say) is not the editor's mistake: owned fields' errors are dropped."""
    if not form.is_submitted():
        return False
    form.validate()
    for name in owned:
        _field(form, name).errors = []
    for sub in (form[f"text_{lang}"].form for lang in vocab.UI_LANGUAGES):
        sub._errors = None
    form._errors = None
    return not form.errors
