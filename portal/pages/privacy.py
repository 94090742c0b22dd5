"""Privacy, one page per kind of data the portal keeps, and the rights page: what is stored, why, on
what legal basis, for how long, who sees it and how to ask for it. Every period is read from the
settings that delete the data (SERVICE["retention_days"], the draft and idle times, the display
cookies' age), so a page can never promise a period the purge does not keep."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, abort, current_app, render_template
from flask_babel import lazy_gettext as _l

from portal.config import settings
from portal.formatting import service_in_page_language
from portal.i18n import gettext as _, ngettext
from portal.preferences.views import ONE_YEAR


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class DataKind:
    slug: str  # in the page's address
    title: object
    summary: object  # one line on the index
    sections: Callable[[dict], list[Section]]  # built per request: the words need the page's language


def _hours_or_minutes(minutes: int) -> str:
    if minutes % 60 == 0:
        return ngettext("%(num)d hour", "%(num)d hours", minutes // 60)
    return ngettext("%(num)d minute", "%(num)d minutes", minutes)


def _sections(stored, why, basis, how_long, who, asking) -> list[Section]:
    """The same six questions, in the same order, on every page."""
    return [Section(heading, tuple(str(p) for p in paragraphs)) for heading, paragraphs in (
        (_("What we keep"), stored), (_("Why"), why), (_("The legal basis"), basis),
        (_("How long we keep it"), how_long), (_("Who sees it"), who),
        (_("Seeing, correcting or deleting it"), asking))]


def _ask_us(service: dict) -> str:
    return _("Call %(name)s on %(phone)s. Tell them the reference, if you have one.",
             name=service["advice_line_name"], phone=service["advice_line_phone_display"])


def _callback(service: dict) -> list[Section]:
    days = service["retention_days"]["callback"]
    return _sections(
        [_("The name and phone number of the person we call, the language and a good time for the call, the "
           "topic and your message if you wrote one, and whether we may leave a message."),
         _("If you asked for someone else: your name, your phone number if you gave it, and whether they know "
           "about the call and agree to it."),
         _("The date, the reference, our call attempts and how the request was handled.")],
        [_("So that an adviser can call back and help with the matter."),
         _("We count the requests for the service's statistics. The statistics have no names or numbers.")],
        [_("Advice for older residents is a task the city has by law (the Act on Supporting the Functional "
           "Capacity of the Older Population, section 12)."),
         _("Under the EU General Data Protection Regulation, the basis is a task in the public interest "
           "(Article 6(1)(e)).")],
        [_("We delete names, phone numbers, messages and the advisers' notes %(days)s days after the request "
           "is closed.", days=days),
         _("After that we keep only the coded answers and dates that the statistics count.")],
        [_("Only the advisers of %(name)s, after signing in with a password and a code. Every time an "
           "adviser opens the request is recorded.", name=service["advice_line_name"])],
        [_("You can ask to see the information, to correct it, or to have it deleted sooner."), _ask_us(service)],
    )


def _concern(service: dict) -> list[Section]:
    days = service["retention_days"]["concern"]
    return _sections(
        [_("About the older person, as far as you know it: name, age or year of birth, address or area, and "
           "phone number. Whether they already get help and whether they know about the notice. What worries "
           "you, in the choices and in your own words."),
         _("About you: who you are to them. If you gave your name, also your name and how to reach you. If "
           "you stayed anonymous, nothing else about you is kept."),
         _("While you are writing, your answers are kept encrypted on our server. An unfinished notice is "
           "deleted %(time)s after the last change.", time=_hours_or_minutes(settings().concern_draft_minutes))],
        [_("So that an adviser can contact the older person and find out what help they need.")],
        [_("Anyone may tell social services about an older person who may need help, and some professionals "
           "must (the Social Welfare Act, section 35, and the Act on Supporting the Functional Capacity of the "
           "Older Population, section 25)."),
         _("Under the EU General Data Protection Regulation, the basis is a task in the public interest "
           "(Article 6(1)(e)). Information on health and coping is handled only to arrange social and health "
           "services, as the law allows.")],
        [_("We delete the names, addresses, phone numbers, your words and the advisers' notes %(days)s days "
           "after the notice is closed.", days=days),
         _("If the matter goes on to social services, what is needed is written into their client records. "
           "Those are kept as the law on client records says."),
         _("After that we keep only the coded answers and dates that the statistics count.")],
        [_("Only the advisers of %(name)s, after signing in with a password and a code. Every time an "
           "adviser opens the notice is recorded.", name=service["advice_line_name"]),
         _("If you gave your name, the older person has the right to know who made the notice. We do not "
           "tell you what was found or done, because their matters are confidential.")],
        [_("The older person, and a notifier who gave their name, can ask to see the information about them, "
           "to correct it, or ask whether it can be deleted sooner."), _ask_us(service)],
    )


def _listing_report(service: dict) -> list[Section]:
    days = service["retention_days"]["report"]
    return _sections(
        [_("Which listing the report is about, the kind of problem you chose, and your own words if you "
           "wrote some. We do not ask for your name or contact details."),
         _("If you wrote your name or number in your words, they are kept with the text until it is deleted.")],
        [_("So that an editor can check the listing and correct it.")],
        [_("Keeping the information on the city's services correct is a task in the public interest (the EU "
           "General Data Protection Regulation, Article 6(1)(e)).")],
        [_("We delete your words %(days)s days after an editor has dealt with the report, or %(days)s days "
           "after it was sent if nobody has yet.", days=days),
         _("The kind of problem stays, without your words.")],
        [_("The city's editors, who keep the activity listings up to date.")],
        [_("Because we do not know who sent a report, tell us which activity it was about and when you sent "
           "it."), _ask_us(service)],
    )


def _my_list(service: dict) -> list[Section]:
    return _sections(
        [_("Only the activities you add to the list. No name and no account."),
         _("The list is kept in your browser, in a cookie we sign so that it cannot be changed. It is not "
           "kept on our server.")],
        [_("So that you can collect activities, print them and share them.")],
        [_("The list is kept only because you asked for it. Nothing in it says who you are.")],
        [_("Until you close the browser, or until you press “Clear everything I did”. Some browsers keep it "
           "longer when they reopen your pages."),
         _("In public computer mode, everything is cleared after %(minutes)s minutes without use.",
           minutes=settings().public_computer_idle_minutes),
         _("A shared link carries the activities in its address, for as long as someone keeps the link.")],
        [_("Only people who use the same browser. Anyone who gets a shared link sees the same activities, and "
           "nothing else.")],
        [_("You can see your list and remove activities from it yourself at any time. We cannot see it, so "
           "there is nothing of it for us to send or delete.")],
    )


def _cookies(service: dict) -> list[Section]:
    return _sections(
        [_("A session cookie: it keeps forms safe with a security code, and holds your list, the key to an "
           "unfinished concern notice, and public computer mode if you turned it on."),
         _("Two cookies for the text size and the contrast you chose, if you chose them."),
         _("Staff who sign in get one more cookie for their session."),
         _("We do not use cookies for tracking, statistics or advertising.")],
        [_("So that the forms are safe and the site remembers what you chose.")],
        [_("These cookies are needed for the service you use, or keep a choice you made. That is why we do "
           "not ask for your consent.")],
        [_("The session cookie is deleted when you close the browser."),
         _("The text size and contrast cookies are kept for %(days)s days.", days=ONE_YEAR // 86400)],
        [_("Only your own browser. The cookies are sent only to this site.")],
        [_("You can delete the cookies in your browser's settings, or press “Clear everything I did”.")],
    )


KINDS = {kind.slug: kind for kind in (
    DataKind("callback", _l("Callback requests"), _l("What we keep when you ask us to call."), _callback),
    DataKind("concern-notice", _l("Concern notices"), _l("What we keep when you tell us about an older person."),
             _concern),
    DataKind("listing-report", _l("Reports on activity listings"),
             _l("What we keep when you tell us that a listing is wrong."), _listing_report),
    DataKind("my-list", _l("My list"), _l("What the list of activities you collect keeps."), _my_list),
    DataKind("cookies", _l("Cookies"), _l("Which cookies the site uses, and why."), _cookies),
)}


def privacy():
    return render_template("pages/privacy.html", kinds=KINDS.values())


def privacy_kind(kind: str):
    if kind not in KINDS:
        abort(404)
    service = service_in_page_language(current_app.config["SERVICE"])
    shown = KINDS[kind]
    return render_template("pages/privacy_kind.html", kind=shown, sections=shown.sections(service))


def rights():
    return render_template("pages/rights.html")


def register(bp: Blueprint) -> None:
    bp.add_app_template_filter(_hours_or_minutes, "hours_or_minutes")
    bp.add_url_rule("/<lang>/privacy", view_func=privacy, methods=["GET"])
    bp.add_url_rule("/<lang>/privacy/<kind>", view_func=privacy_kind, methods=["GET"])
    bp.add_url_rule("/<lang>/rights", view_func=rights, methods=["GET"])
