"""Staff accounts and their sessions, sign-in failures, the audit log of access to personal data (and of
security events), and advisers' notes on items."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.crypto import SealedText
from portal.db import Base, utcnow
from portal.staff.roles import ROLES as ROLES  # where the data modules have always found it


class StaffUser(Base):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)  # stored lower case
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    totp_secret: Mapped[str | None] = mapped_column(SealedText)  # encrypted; None until enrolled
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("organiser.id"))  # for the organiser role
    active: Mapped[bool] = mapped_column(default=True)
    # Wrong passwords and codes since the last full sign-in; raised by one UPDATE so parallel tries all count.
    failed_sign_ins: Mapped[int] = mapped_column(default=0)
    # Sign-ins wait until then (growing delays), except the right password and code from an address that
    # has not failed: a stranger can slow an adviser down but not keep them out.
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Unused since sessions live in staff_session (kept so older rows and migrations stay in step).
    session_version: Mapped[int] = mapped_column(default=1)
    last_totp_step: Mapped[int | None]  # a one-time code is accepted only once
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    def has(self, *roles: str) -> bool:
        return "admin" in self.roles or any(role in self.roles for role in roles)


class StaffSession(Base):
    """A signed-in browser (or one half-way through signing in). The cookie holds only a random token;
    its SHA-256 is stored, so a copy of the table does not let anyone in. Signing out revokes the row."""

    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    # "password": the password was right, the code is still to come; "active": fully signed in.
    stage: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)  # the absolute limit
    # When the password was last typed here (sign-in or confirming it): admin actions need it recent.
    password_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    user_agent: Mapped[str | None] = mapped_column(String(60))  # "Firefox on Windows", never the whole header
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    enrol_secret: Mapped[str | None] = mapped_column(SealedText)  # encrypted; the authenticator key being set up


class SignInFailure(Base):
    """One row per wrong password or code, so failures from one address are counted without a race."""

    __tablename__ = "staff_sign_in_failure"
    __table_args__ = (Index("ix_staff_sign_in_failure_address_at", "address", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # A keyed hash of the client address: enough to count, without keeping the address itself.
    address: Mapped[str] = mapped_column(String(64))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))


class AuditEntry(Base):
    """Who viewed or changed which record, and when; never the personal data itself."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_record", "record_type", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    action: Mapped[str] = mapped_column(String(40))
    record_type: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[int | None]
    detail: Mapped[str | None] = mapped_column(String(200))  # a code such as the new state, never a person's data


class ItemNote(Base):
    __tablename__ = "item_note"
    __table_args__ = (Index("ix_item_note_item", "item_type", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_type: Mapped[str] = mapped_column(String(20))  # callback or concern
    item_id: Mapped[int]
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    text: Mapped[str | None] = mapped_column(SealedText)  # encrypted; None once retention removed it


class ListingChange(Base):
    """An organiser's proposed change to an activity, waiting for an editor (or a new activity)."""

    __tablename__ = "listing_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    data: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending, approved, rejected


class ItemTopic(Base):
    """A topic an adviser tagged an item with, for the service's social reporting (portal/staff/topics.py)."""

    __tablename__ = "item_topic"
    __table_args__ = (UniqueConstraint("item_type", "item_id", "topic"),
                      Index("ix_item_topic_item", "item_type", "item_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    item_type: Mapped[str] = mapped_column(String(20))  # callback or concern
    item_id: Mapped[int]
    topic: Mapped[str] = mapped_column(String(40))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


# --- duplicates, hand-overs and follow-up calls (portal/staff/duplicates.py, handover.py, followups.py) -----

class MatchKey(Base):
    """A keyed hash (HMAC) of one normalised identifier of an item: the older person's name with birth
    year, a phone number or an address. Finding another item about the same person is then an indexed
    look-up of equal digests, without decrypting every open item; the digest says nothing without the
    server's key. Deleted when the item's personal data is (portal/retention.py)."""

    __tablename__ = "item_match_key"
    __table_args__ = (Index("ix_item_match_key_digest", "digest"),
                      Index("ix_item_match_key_item", "item_type", "item_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    item_type: Mapped[str] = mapped_column(String(20))  # callback or concern
    item_id: Mapped[int]
    what: Mapped[str] = mapped_column(String(10))  # person, phone or address
    digest: Mapped[str] = mapped_column(String(64))


class DuplicateFlag(Base):
    """A newer item that looks like an earlier open one, shown on both until an adviser decides:
    flagged, linked (both go on, each points to the other), merged (one closed as a duplicate of the
    kept one) or dismissed (not the same person)."""

    __tablename__ = "duplicate_flag"
    __table_args__ = (UniqueConstraint("item_type", "item_id", "other_type", "other_id"),
                      Index("ix_duplicate_flag_other", "other_type", "other_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    item_type: Mapped[str] = mapped_column(String(20))  # the newer item
    item_id: Mapped[int]
    other_type: Mapped[str] = mapped_column(String(20))  # the earlier one, open when the newer arrived
    other_id: Mapped[int]
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)  # person, phone, address
    status: Mapped[str] = mapped_column(String(10), default="flagged")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    kept: Mapped[str | None] = mapped_column(String(5))  # after a merge: "item" or "other", the one still open


class Handover(Base):
    """An escorted hand-over: the unit that handles the item now, the adviser's note for it (encrypted)
    and, for an organisation, whether the person agreed. One per item: a second would be a race."""

    __tablename__ = "item_handover"
    __table_args__ = (UniqueConstraint("item_type", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_type: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int]
    unit: Mapped[str] = mapped_column(String(40))  # a code of SERVICE["handover_units"]
    consent: Mapped[str | None] = mapped_column(String(10))  # yes or no, asked when the unit is an organisation
    note: Mapped[str | None] = mapped_column(SealedText)  # encrypted; None once retention removed it
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))  # None: the demo history
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class FollowUp(Base):
    """A check-in call set when an item was closed: due on a working day, then worked like a callback
    (claim, two attempts, reached) through its own state table (portal/staff/followup_states.py)."""

    __tablename__ = "follow_up_call"
    __table_args__ = (UniqueConstraint("item_type", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_type: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int]
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default="scheduled", index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))  # None: the demo history
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    status_changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    first_contact_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    outcome: Mapped[str | None] = mapped_column(String(20))
