"""The life of a current notice: published (shown between its dates), until staff withdraw it early.
A notice past its last day simply stops showing; nobody has to take it down."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.states import State, StateTable, Transition

EDITOR = ("editor",)

NOTICE = StateTable(
    "current_notice",
    states=[
        State("published", _l("Published")),
        State("withdrawn", _l("Withdrawn"), ending="withdrawn"),
    ],
    transitions=[
        Transition("withdraw", "published", "withdrawn", _l("Withdraw now"), EDITOR, holder_only=False,
                   closes=True, audit="notice_withdrawn"),
    ],
)
