"""The generated people and employers of the demo year: jobseekers, employers and their ids.

Everything here is drawn from one seeded ``random.Random`` and named by ``uuid5`` ids derived from
the seed and a counter, so the same seed and scale always give the same population. The shares
follow docs/domain.md §4 and §7 where that page has a figure (under-25 and 50+ shares, about 40 %
long-term unemployed); the rest are demo assumptions, marked as such, and none of it is an
official statistic. Where the jobseekers and employers are (municipalities, districts, place
names) is the area's, given by the caller from its rules folder
(:class:`~employment_domain.demo.area_data.DemoArea`).
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

import attrs

from employment_domain.calendar import add_working_days
from employment_domain.employers.employer import employer_id_for
from employment_domain.errors import EmploymentDomainError
from employment_domain.target_groups import add_months, age_on
from employment_domain.values import BusinessId, business_id_check_digit

__all__ = [
    "DemoError",
    "DemoIds",
    "EmployerProfile",
    "Person",
    "Volumes",
    "business_id_from",
    "generate_employers",
    "generate_people",
    "working_day",
]

#: The Nordic service model (HE 167/2021) came into force on 2.5.2022; the transferred stock's
#: job searches start no earlier, so one version of the process rules covers their history.
NORDIC_MODEL_START = date(2022, 5, 2)


class DemoError(EmploymentDomainError, ValueError):
    """A demo that cannot run as asked: a scale or year out of range, or a store not empty."""


class DemoIds:
    """Deterministic ids: ``uuid5`` of the seed, the year, a kind and a counter per kind.

    uuid4 would make two runs with the same seed differ; a counter per kind keeps the ids of one
    kind stable when another kind's generation changes.
    """

    def __init__(self, seed: int, year: int) -> None:
        self._namespace = uuid5(NAMESPACE_URL, f"urn:employment-domain:demo:{year}:{seed}")
        self._counters: dict[str, int] = {}

    def next(self, kind: str) -> UUID:
        """A new id of ``kind`` (client, referral, vacancy, ledger-entry, ...)."""
        number = self._counters.get(kind, 0) + 1
        self._counters[kind] = number
        return uuid5(self._namespace, f"{kind}:{number}")


@attrs.frozen
class Volumes:
    """How many of each kind the demo generates at a scale (1.0 = the real area)."""

    transferred: int
    new: int
    dismissed: int
    employers: int

    @classmethod
    def at(cls, scale: float) -> Volumes:
        """The volumes at ``scale``: about 30,000 jobseekers and 300 employers at 1.0.

        The transferred stock (≈ 18,500) and the year's new job searches (≈ 11,500) add up to the
        ≈ 30,000 jobseekers of docs/domain.md §4. The structural-change case always dismisses at
        least 12, so it reaches the threshold of 10 at any scale.
        """
        return cls(
            transferred=max(20, round(18_500 * scale)),
            new=max(10, round(11_500 * scale)),
            dismissed=max(12, round(40 * scale)),
            employers=max(12, round(300 * scale)),
        )


@attrs.frozen
class Person:
    """One generated jobseeker: the facts a job search starts with, and where they come from.

    ``origin`` is ``transferred`` (a jobseeker of the TE office on the year's first day),
    ``new`` (a job search started during the year) or ``dismissed`` (an employee dismissed in
    the structural-change case).
    """

    client_id: UUID
    origin: str
    started_on: date
    birth_date: date
    municipality: str
    district: str
    mother_tongue: str
    education_level: str
    first_residence_permit_on: date | None
    partially_able_to_work: bool
    needs_multi_agency_service: bool

    def age_on(self, day: date) -> int:
        """Completed years on ``day``."""
        return age_on(self.birth_date, day)

    @property
    def foreign_language(self) -> bool:
        """A mother tongue other than Finnish or Swedish (the demo draws no Sámi speakers)."""
        return self.mother_tongue not in ("fi", "sv")

    @property
    def highly_educated(self) -> bool:
        """A higher-education degree (ISCED 6–8)."""
        return self.education_level in ("bachelor", "master", "doctoral")


@attrs.frozen
class EmployerProfile:
    """One generated employer: registration facts and the date it first dealt with the area."""

    business_id: BusinessId
    name: str
    municipality: str
    industry: str
    registered_on: date

    @property
    def employer_id(self) -> UUID:
        """The employer's id, a uuid5 of its business ID as the library defines it."""
        return employer_id_for(self.business_id)


def working_day(day: date) -> date:
    """``day`` if it is a working day, else the next working day."""
    return add_working_days(day, 0)


def business_id_from(number: int) -> BusinessId | None:
    """The business ID whose first seven digits are ``number``; None when no check digit fits."""
    digits = f"{number:07d}"
    check = business_id_check_digit(digits)
    return None if check is None else BusinessId(f"{digits}-{check}")


# -- shares (demo assumptions unless a comment cites docs/domain.md) ----------------------------

#: Age bands of jobseekers: under 25 ≈ 9 % and 50+ ≈ 32 % of Espoo's unemployed (Nov 2025,
#: docs/domain.md §4); the bands in between are a demo assumption.
_AGE_BANDS: tuple[tuple[int, int, int], ...] = (
    (18, 24, 9),
    (25, 29, 12),
    (30, 39, 25),
    (40, 49, 22),
    (50, 54, 11),
    (55, 59, 12),
    (60, 64, 9),
)
#: Mother tongues: about a third foreign-language, as in Espoo's unemployed (demo assumption).
_TONGUES: tuple[tuple[str, int], ...] = (
    ("fi", 58),
    ("sv", 4),
    ("ru", 5),
    ("ar", 4),
    ("en", 4),
    ("et", 3),
    ("so", 3),
    ("uk", 3),
    ("fa", 2),
    ("ku", 2),
    ("zh", 2),
    ("vi", 2),
    ("tr", 1),
    ("es", 1),
    ("hi", 1),
    ("ne", 1),
    ("pt", 1),
    ("fr", 1),
    ("th", 1),
    ("und", 1),
)
#: Highest education (ISCED names of target_groups.EDUCATION_LEVELS); highly educated ≈ 30 %.
_EDUCATION: tuple[tuple[str, int], ...] = (
    ("basic", 22),
    ("upper_secondary", 38),
    ("post_secondary", 2),
    ("short_cycle_tertiary", 6),
    ("bachelor", 18),
    ("master", 11),
    ("doctoral", 1),
    ("unknown", 2),
)
_UNKNOWN_DISTRICT_SHARE = 0.02  # the district is not recorded for a few clients
_INTEGRATION_SHARE = 0.30  # of foreign-language speakers, first permit under 3 years ago
_PARTIALLY_ABLE_SHARE = 0.10
_MULTI_AGENCY_SHARE = 0.06
#: The transferred stock: share whose job search started over 12 months before the year.
_STOCK_LONG_SHARE = 0.42
#: New job searches by month of the year (more in January and the summer), relative weights.
_MONTH_WEIGHTS = (13, 10, 10, 9, 10, 13, 12, 12, 10, 9, 9, 7)


#: The area's weighted municipality codes, and each one's weighted (area name) districts.
_Places = tuple[tuple[tuple[str, int], ...], Mapping[str, tuple[tuple[str, int], ...]]]


def _weighted(rng: random.Random, table: Sequence[tuple[Any, int]]) -> Any:
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights)[0]


def _birth_date(rng: random.Random, on: date, low: int, high: int) -> date:
    """A birth date giving an age of ``low``–``high`` completed years on ``on``."""
    age = rng.randint(low, high)
    day_of_year = rng.randint(1, 364)
    return on - timedelta(days=round(age * 365.25) + day_of_year)


def _person(
    rng: random.Random,
    ids: DemoIds,
    origin: str,
    started_on: date,
    places: _Places,
    ages: tuple[int, int] | None = None,
) -> Person:
    if ages is None:
        low, high, _ = _weighted(rng, [(band, band[2]) for band in _AGE_BANDS])
    else:
        low, high = ages
    birth = _birth_date(rng, started_on, low, high)
    municipalities, districts = places
    municipality = _weighted(rng, municipalities)
    areas = districts[municipality]
    if len(areas) == 1:  # a municipality that is one district
        district = areas[0][0]
    else:
        district = "unknown" if rng.random() < _UNKNOWN_DISTRICT_SHARE else _weighted(rng, areas)
    tongue = _weighted(rng, _TONGUES)
    permit = None
    if tongue not in ("fi", "sv", "und"):
        years_ago = rng.random() * 3 if rng.random() < _INTEGRATION_SHARE else 3 + rng.random() * 12
        permit = max(started_on - timedelta(days=round(years_ago * 365.25)), birth)
    return Person(
        client_id=ids.next("client"),
        origin=origin,
        started_on=started_on,
        birth_date=birth,
        municipality=municipality,
        district=district,
        mother_tongue=tongue,
        education_level=_weighted(rng, _EDUCATION),
        first_residence_permit_on=permit,
        partially_able_to_work=rng.random() < _PARTIALLY_ABLE_SHARE,
        needs_multi_agency_service=rng.random() < _MULTI_AGENCY_SHARE,
    )


def _stock_start(rng: random.Random, year: int) -> date:
    """When a transferred jobseeker's job search started, before the year, from 2.5.2022 on."""
    first = date(year, 1, 1)
    long_ago = rng.random() < _STOCK_LONG_SHARE
    months = 12 + 20 * rng.random() ** 2 if long_ago else 12 * rng.random()
    whole = math.floor(months)
    start = add_months(first, -whole - 1) + timedelta(days=round((1 - months + whole) * 30))
    start = max(start, NORDIC_MODEL_START, date(year - 3, 1, 1))
    start = working_day(start)
    return start if start < first else working_day(first - timedelta(days=10))


def _new_start(rng: random.Random, year: int) -> date:
    """A working day of the year, weighted by month."""
    month = rng.choices(range(1, 13), _MONTH_WEIGHTS)[0]
    day = date(year, month, 1) + timedelta(days=rng.randint(0, 27))
    start = working_day(day)
    return start if start.year == year else working_day(date(year, 12, 1))


def generate_people(
    rng: random.Random,
    ids: DemoIds,
    *,
    year: int,
    volumes: Volumes,
    municipalities: Sequence[tuple[str, int]],
    districts: Mapping[str, Sequence[tuple[str, int]]],
    dismissal_registration: tuple[date, date],
) -> list[Person]:
    """Every jobseeker of the year: the transferred stock, the new ones, the dismissed.

    ``municipalities`` weighs the area's municipality codes among the jobseekers; ``districts``
    gives each of them (area name, weight) pairs to place its jobseekers in (one pair: the
    municipality is one district, named so); ``dismissal_registration`` is the first and last
    day on which the employees dismissed in the structural-change case register (ages drawn so
    that a third or more are 55+).
    """
    areas: _Places = (tuple(municipalities), {code: tuple(d) for code, d in districts.items()})
    people = [
        _person(rng, ids, "transferred", _stock_start(rng, year), areas)
        for _ in range(volumes.transferred)
    ]
    people += [_person(rng, ids, "new", _new_start(rng, year), areas) for _ in range(volumes.new)]
    first, last = dismissal_registration
    span = max((last - first).days, 0)
    for number in range(volumes.dismissed):
        ages = (55, 61) if number % 3 == 0 else (28, 54)
        day = working_day(first + timedelta(days=rng.randint(0, span)))
        people.append(_person(rng, ids, "dismissed", min(day, last), areas, ages=ages))
    return people


# -- employers -----------------------------------------------------------------------------------

#: Kinds of business with their TOL 2008 section (demo names: generated, not real companies).
_TRADES: tuple[tuple[str, str, int], ...] = (
    ("Data", "J", 14),
    ("Software", "J", 10),
    ("Konsultointi", "M", 10),
    ("Hoiva", "Q", 12),
    ("Kauppa", "G", 12),
    ("Ravintolat", "I", 9),
    ("Rakennus", "F", 9),
    ("Logistiikka", "H", 7),
    ("Kiinteistöpalvelut", "N", 8),
    ("Tekniikka", "C", 6),
    ("Koulutus", "P", 3),
)
_FORMS = (("Oy", 70), ("Oy Ab", 10), ("Ky", 12), ("Tmi", 8))


def generate_employers(
    rng: random.Random,
    *,
    year: int,
    count: int,
    taken: set[str],
    places: Sequence[str],
    municipalities: Sequence[tuple[str, int]],
) -> list[EmployerProfile]:
    """``count`` employers with valid, distinct business IDs, earliest registration first.

    Each is named after one of the area's ``places`` and registered in one of the weighted
    ``municipalities`` (neighbours outside the area may be among them).

    Two in five were already clients of the TE office and register on the year's first working
    days; the rest come to the area during the year. ``taken`` holds business IDs that must not
    be drawn (the providers'); the drawn ones are added to it.
    """
    employers: list[EmployerProfile] = []
    first_days = working_day(date(year, 1, 2))
    while len(employers) < count:
        business_id = business_id_from(rng.randint(2_000_000, 3_399_999))
        if business_id is None or business_id.value in taken:
            continue
        taken.add(business_id.value)
        trade, industry, _ = _weighted(rng, [(t, t[2]) for t in _TRADES])
        form = _weighted(rng, _FORMS)
        name = f"{rng.choice(places)} {trade} {form}"
        if rng.random() < 0.4:
            registered = add_working_days(first_days, rng.randint(0, 6))
        else:
            registered = working_day(date(year, 1, 10) + timedelta(days=rng.randint(0, 300)))
        employers.append(
            EmployerProfile(
                business_id=business_id,
                name=name,
                municipality=_weighted(rng, municipalities),
                industry=industry,
                registered_on=registered,
            )
        )
    employers.sort(key=lambda employer: (employer.registered_on, employer.business_id.value))
    return employers
