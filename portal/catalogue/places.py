"""Where things are: postal codes and neighbourhood names mapped to the city's major districts."""
from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.catalogue import vocab
from portal.catalogue.models import PostalArea
from portal.catalogue.text import fold

KM_PER_DEGREE = 111.32


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
class Places:
    areas: dict[str, Area]
    by_name: dict[str, str]  # folded neighbourhood name -> district

    @classmethod
    def load(cls, db: Session) -> Places:
        areas = {row.code: Area(row.code, row.name_fi, row.name_sv, row.district, row.lat, row.lon)
                 for row in db.execute(select(PostalArea.code, PostalArea.name_fi, PostalArea.name_sv,
                                              PostalArea.district, PostalArea.lat, PostalArea.lon))}
        by_name = {}
        for area in areas.values():
            for name in (area.name_fi, area.name_sv):
                by_name.setdefault(fold(name), area.district)
        return cls(areas, by_name)

    def area(self, code: str) -> Area | None:
        return self.areas.get(code.strip())

    def district_for(self, value: str) -> str | None:
        """A district key from a key, a postal code or a neighbourhood name in Finnish or Swedish."""
        value = value.strip()
        if value in vocab.DISTRICTS:
            return value
        if area := self.area(value):
            return area.district
        return self.by_name.get(fold(value))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Straight-line distance; at a city's scale a flat approximation is accurate to metres."""
    dx = (lon2 - lon1) * KM_PER_DEGREE * math.cos(math.radians(lat1))
    dy = (lat2 - lat1) * KM_PER_DEGREE
    return math.hypot(dx, dy)
