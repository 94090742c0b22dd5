"""The check-your-answers page's rows, read from the step forms so questions and choices are not
written twice."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint
from wtforms import BooleanField, HiddenField, RadioField, SelectMultipleField

from portal.concern import flow
from portal.concern.forms import HelperWording
from portal.i18n import gettext as _

NOT_ASKED = {"csrf_token", "submission", "website"}


@dataclass(frozen=True)
class Row:
    question: str
    answer: str


def answer_rows(step_name: str, answers: dict) -> list[Row]:
    form = flow.BY_NAME[step_name].form(formdata=None, data=answers, meta={"csrf": False})
    if isinstance(form, HelperWording):
        form = form.for_answers(answers)  # the same words the question was asked with
    rows = []
    for field in form:
        if field.name in NOT_ASKED or isinstance(field, (BooleanField, HiddenField)):
            continue
        if field.name == "helper_name" and answers.get("on_behalf") != "yes":
            continue
        rows.append(Row(str(field.label.text), _answer(field, answers)))
    return rows


def _answer(field, answers: dict) -> str:
    if answers.get(f"{field.name}_unknown"):
        return _("I don't know")
    if isinstance(field, SelectMultipleField):
        labels = dict(field.choices)
        return ", ".join(str(labels[value]) for value in field.data or []) or _("Not given")
    if isinstance(field, RadioField):
        return str(dict(field.choices).get(field.data, _("Not given")))
    return field.data or _("Not given")


def register(bp: Blueprint) -> None:
    bp.add_app_template_global(answer_rows)
