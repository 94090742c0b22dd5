"""Where things are: postal codes and place names mapped to the city's major districts and to a
point for distances.

People type places as they say them: a postal code ("00530"), the postal area's Finnish or Swedish
name ("Kallio", "Berghäll"), a part of a double name ("Ruoholahti" of "Kamppi - Ruoholahti"), a
neighbourhood the venues name ("Kluuvi"), a name that several areas share ("Haaga" of Etelä-Haaga
and Pohjois-Haaga) or a major district in any of the three languages ("Itäinen", "Östra",
"Eastern"); in any case, with or without accents. Only names in the data are known: nothing is
guessed.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.catalogue import vocab
from portal.catalogue.models import PostalArea, Venue
from portal.catalogue.text import fold

KM_PER_DEGREE = 111.32
LONGEST_NAME = 60  # longer text is not a place name; it is not looked up
_CODE = re.compile(r"\d{5}")
_CODE_FIRST = re.compile(r"(\d{5})(?:\s+\D.*)?")  # "00530 Helsinki" or "00530 Kallio"


@dataclass(frozen=True)
class Area:
    """A postal area as plain values: each process caches these across requests, and ORM objects
    would be expired (and then unreadable) by the first rollback in the session that loaded them."""

    code: str
    name_fi: str
    name_sv: str
    district: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Place:
    """What a typed place stands for: a postal area whose point distances are measured from."""
    code: str
    name: str  # as the data writes it: "Kallio", "Berghäll", "Itäinen", or the code itself
    district: str


@dataclass(frozen=True)
class Lookup:
    """A typed place, found or not; `problem` says why not: "unknown_postal_code",
    "unknown_place" or "several_districts" (then `examples` are names to choose from)."""
    place: Place | None = None
    problem: str | None = None
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Places:
    areas: dict[str, Area]
    # Folded name -> (the name as written, postal codes it covers), in the order they are tried:
    # whole area names, districts, parts of double names, venues' neighbourhoods, single words.
    names: tuple[dict[str, tuple[str, frozenset[str]]], ...]

    @classmethod
    def load(cls, db: Session) -> Places:
        """Built once per process (see queries.places): names that staff add to venues later are
        known after the next restart."""
        areas = {row.code: Area(row.code, row.name_fi, row.name_sv, row.district, row.lat, row.lon)
                 for row in db.execute(select(PostalArea.code, PostalArea.name_fi, PostalArea.name_sv,
                                              PostalArea.district, PostalArea.lat, PostalArea.lon))}
        whole: dict = {}
        districts: dict = {}
        parts: dict = {}
        neighbourhoods: dict = {}
        words: dict = {}
        # "Helsinki" of "Helsinki keskusta" names the whole city, not one area.
        city = {fold(name) for name in current_app.config["SERVICE"]["city"].values()}

        def add(table: dict, name: str, code: str) -> None:
            key = fold(name)
            if len(key) < 2:
                return
            written, codes = table.get(key, (name, frozenset()))
            table[key] = (written, codes | {code})

        for area in areas.values():
            for name in (area.name_fi, area.name_sv):
                add(whole, name, area.code)
                for part in name.split(" - "):
                    add(parts, part.strip(), area.code)
                    for word in re.split(r"[\s-]+", part):
                        # "Etelä-Haaga" is also "Haaga"; "Etelä" alone spans the city (see resolve).
                        if fold(word) not in city:
                            add(words, word, area.code)
        for lang in vocab.UI_LANGUAGES:
            with force_locale(lang):
                for key, (label, _hint) in vocab.DISTRICTS.items():
                    for area in areas.values():
                        if area.district == key:
                            add(districts, str(label), area.code)
        for neighbourhood, code in db.execute(select(Venue.neighbourhood, Venue.postal_code)):
            if code in areas:
                for name in (neighbourhood or {}).values():
                    add(neighbourhoods, name, code)
        return cls(areas, (whole, districts, parts, neighbourhoods, words))

    def area(self, code: str) -> Area | None:
        return self.areas.get(code.strip())

    def resolve(self, typed: str) -> Lookup:
        """The place a person typed, or why it could not be used."""
        text = " ".join(typed.split())
        if not text or len(text) > LONGEST_NAME:
            return Lookup(problem="unknown_place")
        compact = text.replace(" ", "")
        with_name = _CODE_FIRST.fullmatch(text)
        if _CODE.fullmatch(compact) or with_name:
            area = self.areas.get(compact if _CODE.fullmatch(compact) or with_name is None else with_name.group(1))
            if area is None:
                return Lookup(problem="unknown_postal_code")
            return Lookup(Place(area.code, area.code, area.district))
        # "Munkkiniemi/Munksnäs" or "Kallio, Helsinki": the first piece that is a place.
        pieces = [text] + [p.strip() for p in re.split(r"[/,;]", text) if p.strip() and p.strip() != text]
        for piece in pieces:
            found = self._by_name(piece)
            if found.place or found.problem == "several_districts":
                return found
        return Lookup(problem="unknown_place")

    def _by_name(self, name: str) -> Lookup:
        key = fold(name)
        for table in self.names:
            if key not in table:
                continue
            written, codes = table[key]
            covered = [self.areas[c] for c in sorted(codes)]
            if len({a.district for a in covered}) > 1:
                return Lookup(problem="several_districts",
                              examples=tuple(sorted({a.name_fi for a in covered}))[:3])
            return Lookup(Place(_middle(covered).code, written, covered[0].district))
        return Lookup(problem="unknown_place")

    def district_for(self, value: str) -> str | None:
        """A district key from a key, a postal code or a place name (see `resolve`)."""
        value = value.strip()
        if value in vocab.DISTRICTS:
            return value
        found = self.resolve(value)
        return found.place.district if found.place else None


def _middle(areas: list[Area]) -> Area:
    """The area nearest the middle of several ("Haaga", "Itäinen"): its point stands for them all."""
    if len(areas) == 1:
        return areas[0]
    lat = sum(a.lat for a in areas) / len(areas)
    lon = sum(a.lon for a in areas) / len(areas)
    return min(areas, key=lambda a: (distance_km(lat, lon, a.lat, a.lon), a.code))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Straight-line distance; at a city's scale a flat approximation is accurate to metres."""
    dx = (lon2 - lon1) * KM_PER_DEGREE * math.cos(math.radians(lat1))
    dy = (lat2 - lat1) * KM_PER_DEGREE
    return math.hypot(dx, dy)
