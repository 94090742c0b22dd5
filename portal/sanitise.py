"""The one place that turns editor-written text into safe HTML.

Descriptions may use a small subset (paragraphs, lists, emphasis, links); everything else is
removed. bleach is in maintenance mode upstream, so it is used only here and can be swapped here.
"""
from __future__ import annotations

import re

import bleach
from markupsafe import Markup, escape

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "a"}
# Pages staff write (portal/content) may also have section headings; an activity's description may not.
PAGE_TAGS = ALLOWED_TAGS | {"h2", "h3"}
ALLOWED_ATTRIBUTES = {"a": ["href"]}
ALLOWED_PROTOCOLS = {"https", "http", "mailto", "tel"}
_LOOKS_LIKE_HTML = re.compile(r"<\s*/?\s*[a-zA-Z]")
# Stripping a tag keeps its text; for these the text is code, so it goes with the tag.
_CODE_BLOCKS = re.compile(r"<\s*(script|style|template)\b.*?(<\s*/\s*\1\s*>|$)", re.IGNORECASE | re.DOTALL)


def _link_attributes(attrs, new=False):
    # A link whose address was refused (javascript:, say) keeps its words but stops being a link:
    # an <a> with rel and no href is invalid HTML, and it would look like a link that does nothing.
    if not attrs.get((None, "href")):
        return None
    attrs[(None, "rel")] = "noopener nofollow"
    return attrs


def rich_text(text: str | None, *, headings: bool = False) -> Markup:
    """Plain text becomes paragraphs (a blank line between them); HTML is reduced to the safe subset
    (with h2 and h3 as well when `headings`)."""
    if not text:
        return Markup("")
    if not _LOOKS_LIKE_HTML.search(text):
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        return Markup("".join(f"<p>{escape(p)}</p>" for p in paragraphs))  # noqa: S704 - each paragraph escaped
    cleaned = bleach.clean(_CODE_BLOCKS.sub("", text), tags=PAGE_TAGS if headings else ALLOWED_TAGS,
                           attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_PROTOCOLS, strip=True, strip_comments=True)
    # bleach has reduced it to the safe subset.
    return Markup(bleach.linkify(cleaned, callbacks=[_link_attributes], parse_email=False))  # noqa: S704
