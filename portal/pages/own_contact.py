""""Already a client? Find your own contact": the services people already in care most often cannot
reach (seed 000: a fifth of calls and half of the e-mails and concern notices are about people
already in care, because "the own worker cannot be reached or it is not known where to make contact").

Where to look for each service's number, never a number: the city's units' numbers are not in the
sources, and a wrong number for someone's home care is worse than none. When the number cannot be
found, the page sends the person to the advice line, which finds out who the contact is."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class OwnService:
    slug: str  # the section's id on the page, linked from the choices at the top
    name: object  # lazy strings: translated when the page is drawn
    who: object
    where_to_look: object
    at_hand: tuple


# What to have at hand is the same start for every service; each adds its own.
COMMON_AT_HAND = (
    _l("The person's name and date of birth."),
    _l("If you call for someone else: that they know you are calling, if they can be asked."),
)

SERVICES = (
    OwnService(
        "home-care", _l("Home care"),
        _l("For people who get visits at home from home-care workers."),
        _l("The home-care team's phone number is on the papers you got from home care, often on the care "
           "and service plan. You can also ask the worker on their next visit to write it down."),
        (_l("The name of the home-care team or worker, if you know it."),
         _l("What has changed, and since when."))),
    OwnService(
        "social-work", _l("Social work for older people"),
        _l("For people who have their own social worker or social counsellor (gerontological social work)."),
        _l("The worker's name and phone number are in the letter or decision you got from social services."),
        (_l("The letter or decision from social services."),
         _l("What you need help with now."))),
    OwnService(
        "health-station", _l("Health station"),
        _l("Your own health station is the one for the area where you live."),
        _l("Its number is on appointment letters from the health station. To renew a prescription, have "
           "the medicine's name or the package at hand."),
        (_l("The names of your medicines, or the packages."),
         _l("When you last visited the health station, if you remember."))),
    OwnService(
        "rehabilitation", _l("Rehabilitation assessment unit"),
        _l("For people who are, or were recently, in a rehabilitation or assessment period."),
        _l("The unit's phone number is on the papers from the start or the end of the period. If you are "
           "a relative, ask the unit's staff for the number of the person responsible."),
        (_l("When the period started or ended."),
         _l("The papers from the unit."))),
    OwnService(
        "informal-care", _l("Support for informal care"),
        _l("For family carers who have, or have applied for, informal care support (omaishoidon tuki)."),
        _l("The worker who handles your support is named in the decision on informal care support, or in "
           "the letter you got after applying."),
        (_l("The decision or the letter about informal care support."),
         _l("What you need: for example time off, a substitute carer or help at home."))),
)
