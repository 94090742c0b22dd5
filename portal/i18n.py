"""Languages: the /fi/, /sv/, /en/ URL prefix decides the page's language."""
from __future__ import annotations

from flask import Flask, abort, current_app, g, request, url_for
from flask_babel import Babel, get_translations

# The site's languages, in this order everywhere; each named in itself for the language switcher.
UI_LANGUAGES = ("fi", "sv", "en")
UI_LANGUAGE_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}
DEFAULT_LANGUAGE = "fi"


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=current_language, timezone_selector=lambda: app.config["PORTAL_TIMEZONE"])
    # Templates look the page's translations up once per request: Flask-Babel's own callables find
    # them anew for every string (about 20 µs each, a fifth of a catalogue page's cost).
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
        gettext=lambda s: page_translations().ugettext(s),
        ngettext=lambda s, p, n: page_translations().ungettext(s, p, n),
        pgettext=lambda c, s: page_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: page_translations().unpgettext(c, s, p, n),
        newstyle=True)
    app.url_value_preprocessor(_take_language_from_url)
    app.url_defaults(_add_language_to_urls)
    app.context_processor(lambda: {"page_lang": current_language(), "language_links": language_links})


def page_translations():
    """The translations of the page's language, found once per request rather than for every string
    (Flask-Babel's own lookup costs about 20 µs a string, a fifth of a catalogue page). Inside
    flask_babel.force_locale (Python code naming things in each language) Flask-Babel's is used."""
    if not g:  # outside an app context: Flask-Babel answers with its null translations
        return get_translations()
    forced = hasattr(g.get("_flask_babel"), "forced_babel_locale")
    found = None if forced else g.get("page_translations")
    if found is None:
        found = get_translations()
        if not forced:
            g.page_translations = found
    return found


def gettext(string: str, **variables) -> str:
    """flask_babel.gettext, through page_translations."""
    text = page_translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """flask_babel.ngettext, through page_translations."""
    variables.setdefault("num", num)
    return page_translations().ungettext(singular, plural, num) % variables


def current_language() -> str:
    return g.get("lang") or language_in_path() or preferred_language()


def language_in_path() -> str | None:
    """For pages no route matched (404, 405): the language the address asked for, if any."""
    first = request.path.strip("/").split("/", 1)[0]
    return first if first in UI_LANGUAGES else None


def preferred_language() -> str:
    return request.accept_languages.best_match(UI_LANGUAGES, default=DEFAULT_LANGUAGE)


def _take_language_from_url(endpoint: str | None, values: dict | None) -> None:
    if values and "lang" in values:
        lang = values.pop("lang")
        if lang not in UI_LANGUAGES:
            abort(404)
        g.lang = lang


def _add_language_to_urls(endpoint: str, values: dict) -> None:
    if ("lang" not in values and endpoint and endpoint != "static"
            and current_app.url_map.is_endpoint_expecting(endpoint, "lang")):
        values["lang"] = current_language()


def language_links() -> list[dict]:
    """The switcher: this same page, with its filters, in each language, named in that language."""
    here = request.endpoint if request.url_rule and "lang" in request.url_rule.arguments else None
    query = request.query_string.decode("latin-1")
    links = []
    for lang in UI_LANGUAGES:
        if here and request.method == "GET":
            href = url_for(here, **{**(request.view_args or {}), "lang": lang})
            href += f"?{query}" if query else ""
        else:
            href = url_for("pages.home", lang=lang)
        links.append({"lang": lang, "name": UI_LANGUAGE_NAMES[lang], "href": href,
                      "current": lang == current_language()})
    return links
