"""State tables: for each kind of item that staff handle, its states, the moves between them, who may
make each move, the words for both (staff's and the resident's), and what each move means for the
statistics.

The queue, its pages, the statistics and the resident's status page read these tables instead of
naming states themselves, so a new move (a hand-over, a follow-up call, closing as a duplicate) is a
new row in one table. A move that is not in its table is refused in one place: `StateTable.permitted`.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from flask_babel import LazyString, lazy_gettext as _l


class Actor(Protocol):
    """Who asks to make a move: a staff account (portal.staff.models.StaffUser) or anything like it."""

    id: int

    def has(self, *roles: str) -> bool: ...


@dataclass(frozen=True)
class State:
    code: str  # stored in the item's `status` column
    label: LazyString  # what staff read
    resident: LazyString | None = None  # what the person who asked is told; None: they are told nothing
    # How an item that ends in this state is counted ("resolved", "unreached", …); None: still open.
    ending: str | None = None

    @property
    def open(self) -> bool:
        return self.ending is None


@dataclass(frozen=True)
class Transition:
    action: str  # the name in the move's URL
    source: str
    target: str
    label: LazyString  # the button
    roles: tuple[str, ...]  # any one of them is enough (an administrator has every role)
    holder_only: bool = True  # only the staff member holding the item may make it
    claims: bool = False  # takes hold of an item nobody holds
    contact: bool = False  # staff reached out: the first such move is the "first contact" of the statistics
    closes: bool = False  # the item gets its closing time and an outcome
    chooses_outcome: bool = False  # staff pick the outcome from the table's outcomes
    outcome: str | None = None  # the outcome this move always sets
    stamps: tuple[str, ...] = ()  # further time columns set to now (e.g. reached_at)
    audit: str | None = None  # the audit log's action code, when it is not `action`
    in_queue: bool = False  # offered in the queue list as well as on the item's page
    # A config key: the least number of minutes since the item entered `source` before this move is
    # allowed (the second call attempt); None: at any time.
    waits: str | None = None
    # The move needs more than a button (a hand-over names the receiving unit, a merge the item kept):
    # only the page of that name may make it (`permitted(..., form=...)`); the generic buttons leave it out.
    form: str | None = None

    @property
    def audit_action(self) -> str:
        return self.audit or self.action


# Why a move was refused, in words the person who tried can act on.
REFUSALS = {
    "unknown": _l("This cannot be done to this item."),
    # Not possible in this state, or someone else holds the item: in practice someone else was quicker.
    "changed": _l("Someone else has just taken or changed this item. The page now shows its current state."),
    "role": _l("Your role does not allow this."),
    "outcome": _l("Nothing was saved: check the form."),
    "too_soon": _l("It is too soon for this. Nothing was saved."),
}


class Refused(Exception):
    """A move the table does not allow (or that someone else's move made impossible)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

    @property
    def message(self) -> LazyString:
        return REFUSALS[self.reason]


class TooSoon(Refused):
    """A move that must wait (Transition.waits): allowed from `earliest` (UTC) on."""

    def __init__(self, earliest: dt.datetime):
        super().__init__("too_soon")
        self.earliest = earliest


class StateTable:
    def __init__(self, kind: str, states: Iterable[State], transitions: Iterable[Transition],
                 outcomes: Mapping[str, LazyString] | None = None):
        self.kind = kind
        self.states = {state.code: state for state in states}
        self.transitions = tuple(transitions)
        self.outcomes = dict(outcomes or {})
        self.first = next(iter(self.states))  # a new item starts in the first state listed
        self._check()

    def _check(self) -> None:
        """A table that contradicts itself fails when the module is imported, not in front of an adviser."""
        seen: set[tuple[str, str]] = set()
        for move in self.transitions:
            problems = [
                (move.source not in self.states or move.target not in self.states, "an unknown state"),
                ((move.action, move.source) in seen, "a second move of that name from the same state"),
                (move.closes == self.states[move.target].open if move.target in self.states else False,
                 "closing into an open state, or ending without closing"),
                (move.chooses_outcome and move.outcome is not None, "both a chosen and a fixed outcome"),
                (move.outcome is not None and move.outcome not in self.outcomes, "an unknown outcome"),
                (move.claims and move.holder_only, "claiming an item it must already hold"),
            ]
            for wrong, what in problems:
                if wrong:
                    raise ValueError(f"{self.kind}: {move.action} from {move.source} has {what}")
            seen.add((move.action, move.source))

    def state(self, code: str) -> State:
        return self.states[code]

    @property
    def open_states(self) -> tuple[str, ...]:
        return tuple(code for code, state in self.states.items() if state.open)

    @property
    def resident_texts(self) -> dict[str, LazyString]:
        """What the person who asked is told in each state (states they hear nothing about are left out)."""
        return {code: state.resident for code, state in self.states.items() if state.resident is not None}

    @property
    def actions(self) -> frozenset[str]:
        return frozenset(move.action for move in self.transitions)

    def ends(self, ending: str) -> tuple[str, ...]:
        """The states an item ends in when it is counted as `ending`."""
        return tuple(code for code, state in self.states.items() if state.ending == ending)

    def chooses_outcome(self, action: str) -> bool:
        return any(move.chooses_outcome for move in self.transitions if move.action == action)

    def _refusal(self, move: Transition, actor: Actor, holder_id: int | None) -> str | None:
        if not actor.has(*move.roles):
            return "role"
        if move.claims and holder_id is not None:
            return "changed"
        if move.holder_only and holder_id != actor.id:
            return "changed"
        return None

    def offered(self, state: str, actor: Actor, holder_id: int | None = None, *,
                in_queue: bool = False, form: str | None = None) -> list[Transition]:
        """The moves `actor` may make now, in the table's order: the buttons a page shows (moves that
        need their own form only when that form is asked for)."""
        return [move for move in self.transitions if move.source == state and (move.in_queue or not in_queue)
                and move.form == form and self._refusal(move, actor, holder_id) is None]

    def permitted(self, action: str, state: str, actor: Actor, holder_id: int | None = None,
                  outcome: str | None = None, form: str | None = None) -> Transition:
        """The move `action` from `state` if `actor` may make it with this outcome; else raises Refused.
        Every move is checked here and nowhere else."""
        if action not in self.actions:
            raise Refused("unknown")
        move = next((m for m in self.transitions if m.action == action and m.source == state), None)
        if move is None:
            raise Refused("changed")
        if move.form != form:  # e.g. a hand-over posted as a plain button, without its unit
            raise Refused("unknown")
        if reason := self._refusal(move, actor, holder_id):
            raise Refused(reason)
        if move.chooses_outcome and outcome not in self.outcomes:
            raise Refused("outcome")
        return move
