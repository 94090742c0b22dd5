"""The steps of a concern notice, in order, and which of them a given set of answers needs."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.concern import forms


@dataclass(frozen=True)
class Step:
    name: str
    form: type[forms.PortalForm]
    title: object


STEPS = (
    Step("urgency", forms.UrgencyForm, _l("Is this urgent?")),
    Step("role", forms.RoleForm, _l("About you")),
    Step("identity", forms.IdentityForm, _l("Name or anonymous")),  # also when filling in for someone
    Step("person", forms.PersonForm, _l("About the older person")),
    Step("situation", forms.SituationForm, _l("Their situation")),
    Step("worries", forms.WorriesForm, _l("What worries you")),
    Step("contact", forms.ContactForm, _l("How we can reach you")),
)
BY_NAME = {step.name: step for step in STEPS}


def needed(answers: dict) -> list[Step]:
    """The steps these answers call for: an anonymous notifier is not asked how to reach them."""
    return [s for s in STEPS if not (s.name == "contact" and answers.get("identity") == "anonymous")]


def prune(answers: dict) -> dict:
    """Forget the answers of steps that are no longer asked: a notifier who changes to anonymous
    leaves no contact details behind."""
    asked = {s.name for s in needed(answers)}
    for step in STEPS:
        if step.name not in asked:
            for field in step.form(formdata=None, meta={"csrf": False}):
                answers.pop(field.name, None)
            answers["done"] = [name for name in answers.get("done", []) if name != step.name]
    return answers


def next_name(answers: dict) -> str:
    """The first needed step not yet answered, or "check" when all are."""
    for step in needed(answers):
        if step.name not in answers.get("done", []):
            return step.name
    return "check"


def may_open(name: str, answers: dict) -> bool:
    """A step can be opened once the steps before it are answered: no skipping ahead by URL."""
    order = [s.name for s in needed(answers)] + ["check"]
    return name in order and order.index(name) <= order.index(next_name(answers))


def position(name: str, answers: dict) -> tuple[int, int]:
    order = [s.name for s in needed(answers)]
    return order.index(name) + 1, len(order)
