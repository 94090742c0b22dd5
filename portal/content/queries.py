"""Reading and saving content pages and current notices; every save is audited in the same transaction."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import select

from portal import db
from portal.config import local_now
from portal.content.models import ContentPage, ContentVersion, Notice
from portal.content.states import NOTICE
from portal.db import utcnow
from portal.staff import audit
from portal.states import Actor

LANGS = ("fi", "sv", "en")


def today() -> dt.date:
    """The city's date: a notice's first and last day are the city's days."""
    return local_now().date()


# --- content pages -------------------------------------------------------------------------------------

def page_by_slug(slug: str) -> ContentPage | None:
    return db.session().scalar(select(ContentPage).where(ContentPage.slug == slug))


def page(page_id: int) -> ContentPage | None:
    return db.session().get(ContentPage, page_id)


def pages() -> list[ContentPage]:
    return list(db.session().scalars(select(ContentPage).order_by(ContentPage.slug)))


def overdue_versions(on: dt.date) -> list[ContentVersion]:
    """Language versions whose review date has passed: their facts should be checked again."""
    return list(db.session().scalars(select(ContentVersion).where(ContentVersion.review_by < on)
                                     .order_by(ContentVersion.review_by, ContentVersion.page_id)))


def save_page(content: ContentPage, versions: Mapping[str, Mapping[str, object] | None], staff: Actor) -> None:
    """Write each language's version; a language given as None has no version (its title was left empty)."""
    for lang in LANGS:
        values = versions.get(lang)
        existing = content.versions.get(lang)
        if values is None:
            if existing is not None:
                del content.versions[lang]
            continue
        if existing is None:
            content.versions[lang] = existing = ContentVersion(lang=lang)
        for key, value in values.items():
            setattr(existing, key, value)
        existing.updated_by_id = staff.id
    session = db.session()
    session.flush()
    audit.add(session, staff.id, "content_saved", "content_page", content.id,
              ",".join(sorted(lang for lang in LANGS if versions.get(lang) is not None)))


# --- current notices -----------------------------------------------------------------------------------

def notices_shown(on: dt.date) -> list[Notice]:
    """Published notices whose days include `on`, warnings first, newest first."""
    shown = db.session().scalars(select(Notice).where(Notice.status == "published", Notice.starts_on <= on,
                                                      Notice.ends_on >= on).order_by(Notice.id.desc()))
    return sorted(shown, key=lambda notice: notice.importance != "warning")


def notices(limit: int = 100) -> list[Notice]:
    return list(db.session().scalars(select(Notice).order_by(Notice.ends_on.desc(), Notice.id.desc()).limit(limit)))


def notice(notice_id: int) -> Notice | None:
    return db.session().get(Notice, notice_id)


def publish_notice(importance: str, starts_on: dt.date, ends_on: dt.date, texts: Mapping[str, str],
                   staff: Actor) -> Notice:
    item = Notice(importance=importance, starts_on=starts_on, ends_on=ends_on, status=NOTICE.first,
                  texts={lang: text for lang, text in texts.items() if text}, created_by_id=staff.id,
                  status_changed_at=utcnow())
    session = db.session()
    session.add(item)
    session.flush()
    audit.add(session, staff.id, "notice_published", "current_notice", item.id,
              f"{importance} {starts_on.isoformat()}..{ends_on.isoformat()}")
    return item


def move_notice(item: Notice, action: str, staff: Actor) -> None:
    """A move from the notice's state table (raises portal.states.Refused when it is not allowed)."""
    move = NOTICE.permitted(action, item.status, staff)
    item.status, item.status_changed_at = move.target, utcnow()
    audit.add(db.session(), staff.id, move.audit_action, "current_notice", item.id)
