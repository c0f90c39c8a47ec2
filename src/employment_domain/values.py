"""Validated value objects of Finnish public administration: municipality codes, personal identity
codes, business IDs and periods.

Each value checks itself when it is built and raises a named error that quotes the bad value, so a
refused input never reaches an event. The personal identity code never shows itself in full.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from typing import Any

import attrs

from employment_domain.classification import (
    MunicipalityClassification,
    MunicipalityError,
    in_force_on,
    municipality_classification,
    packaged_classification,
    read_municipality_classification,
)
from employment_domain.errors import EmploymentDomainError

__all__ = [
    "BusinessId",
    "BusinessIdError",
    "MunicipalityClassification",
    "MunicipalityCode",
    "MunicipalityError",
    "MunicipalityMergedError",
    "Period",
    "PeriodError",
    "PersonalIdentityCode",
    "PersonalIdentityCodeError",
    "known_municipalities",
    "municipality_classification",
    "read_municipality_classification",
]


class MunicipalityMergedError(MunicipalityError):
    """A new record dated after the municipality ceased by merger; the code stays readable in
    stored history, but a record made today belongs to the successor, which the error names."""

    def __init__(
        self, code: str, on: date, valid_until: date, successor: str, where: str = ""
    ) -> None:
        self.code = code
        self.on = on
        self.valid_until = valid_until
        self.successor = successor
        self.where = where
        names = _municipality_names()
        super().__init__(
            f"{where}municipality {code} {names[code][0]} ceased on {valid_until} (merged into"
            f" {successor} {names[successor][0]}); a record dated {on} names {successor}"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.code, self.on, self.valid_until, self.successor, self.where))


class PersonalIdentityCodeError(EmploymentDomainError, ValueError):
    """A henkilötunnus that is malformed, names an impossible date or fails its check character."""


class BusinessIdError(EmploymentDomainError, ValueError):
    """A Y-tunnus that is malformed or fails its check digit."""


class PeriodError(EmploymentDomainError, ValueError):
    """A period whose end is not after its start, or a month, quarter or year out of range."""


@cache
def _municipality_names() -> dict[str, tuple[str, str]]:
    return {code: (m.name_fi, m.name_sv) for code, m in packaged_classification()[1].items()}


def known_municipalities(on: date | None = None) -> list[MunicipalityCode]:
    """The municipalities in force on ``on`` (default: the classification's own date), ordered by
    code; the codes of merged municipalities still parse but are not offered for new records."""
    classification, municipalities = packaged_classification()
    day = classification.valid_from if on is None else on
    return [
        MunicipalityCode(code)
        for code in sorted(municipalities)
        if in_force_on(municipalities[code], day)
    ]


def _check_municipality(_: object, __: object, code: str) -> None:
    if not isinstance(code, str) or not re.fullmatch(r"[0-9]{3}", code):
        raise MunicipalityError(f"a municipality code is three digits, like '049': {code!r}")
    if code not in _municipality_names():
        raise MunicipalityError(f"unknown municipality code {code!r}")


@attrs.frozen(order=True)
class MunicipalityCode:
    """Statistics Finland's three-digit municipality code (kuntanumero), e.g. Espoo ``049``."""

    code: str = attrs.field(validator=_check_municipality)

    @classmethod
    def parse(cls, text: str | int) -> MunicipalityCode:
        """Read a code as a clerk or a CSV file gives it: ``"49"``, ``49`` and ``"049"`` agree."""
        if isinstance(text, bool):
            raise MunicipalityError(f"not a municipality code: {text!r}")
        if isinstance(text, int):
            text = str(text)
        if not isinstance(text, str):
            raise MunicipalityError(f"not a municipality code: {text!r}")
        return _parse_municipality(text)

    @property
    def name_fi(self) -> str:
        """The official Finnish name (Espoo)."""
        return _municipality_names()[self.code][0]

    @property
    def name_sv(self) -> str:
        """The official Swedish name (Esbo)."""
        return _municipality_names()[self.code][1]

    @property
    def valid_until(self) -> date | None:
        """The last day of a municipality that ceased by merger; None while it is in force."""
        return packaged_classification()[1][self.code].valid_until

    @property
    def merged_into(self) -> MunicipalityCode | None:
        """The municipality this one became part of, or None while it is in force."""
        successor = packaged_classification()[1][self.code].merged_into
        return None if successor is None else MunicipalityCode(successor)

    @property
    def is_verified(self) -> bool:
        """Whether the code and names were checked against a source; the others carry the
        classification's status (:func:`municipality_classification`)."""
        return self.code in packaged_classification()[0].verified

    def in_force(self, on: date) -> bool:
        """Whether the municipality existed on ``on`` (not yet merged into another)."""
        return in_force_on(packaged_classification()[1][self.code], on)

    def check_in_force(self, on: date, *, where: str = "") -> MunicipalityCode:
        """This code, for a new record dated ``on``; MunicipalityMergedError once it has ceased.

        Building a MunicipalityCode never checks the date, because stored events name merged
        municipalities for good; a command that makes a new record calls this with its date.
        ``where`` prefixes the message (a file and line).
        """
        municipality = packaged_classification()[1][self.code]
        until, successor = municipality.valid_until, municipality.merged_into
        if until is not None and successor is not None and on > until:
            raise MunicipalityMergedError(self.code, on, until, successor, where)
        return self

    def __str__(self) -> str:
        return f"{self.code} {self.name_fi}"


@lru_cache(maxsize=1024)
def _parse_municipality(text: str) -> MunicipalityCode:
    """Parsing is cached: a bulk import names the same few municipalities again and again."""
    stripped = text.strip()
    if stripped.isascii() and stripped.isdigit() and len(stripped) < 3:
        stripped = stripped.zfill(3)
    return MunicipalityCode(stripped)


ESPOO = "049"
KAUNIAINEN = "235"

# Century signs of the henkilötunnus; the extra signs for 1900 and 2000 came into use in 2023.
_CENTURY = {"+": 1800, "-": 1900, "Y": 1900, "X": 1900, "W": 1900, "V": 1900, "U": 1900}
_CENTURY.update({sign: 2000 for sign in "ABCDEF"})
_CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
_PIC_SHAPE = re.compile(r"(\d{2})(\d{2})(\d{2})([-+A-FU-Y])(\d{3})([0-9A-Y])", re.ASCII)


def _check_character(birth: str, individual: str) -> str:
    return _CHECK_CHARACTERS[int(birth + individual) % 31]


def _check_identity_code(_: object, __: object, code: str) -> None:
    if not isinstance(code, str):
        raise PersonalIdentityCodeError("a personal identity code must be text")
    match = _PIC_SHAPE.fullmatch(code)
    if match is None:
        raise PersonalIdentityCodeError(
            "a personal identity code has the shape DDMMYYCZZZQ (11 characters):"
            f" {_mask(code)!r} does not"
        )
    day, month, year, sign, individual, check = match.groups()
    try:
        date(_CENTURY[sign] + int(year), int(month), int(day))
    except ValueError:
        raise PersonalIdentityCodeError(
            f"a personal identity code names an impossible birth date: {_mask(code)!r}"
        ) from None
    if int(individual) < 2:
        raise PersonalIdentityCodeError(
            f"individual numbers 000 and 001 are not in use: {_mask(code)!r}"
        )
    if _check_character(day + month + year, individual) != check:
        raise PersonalIdentityCodeError(
            f"the check character of personal identity code {_mask(code)!r} does not match"
        )


def _strip_upper(text: str) -> str:
    return text.strip().upper() if isinstance(text, str) else text


def _strip(text: str) -> str:
    return text.strip() if isinstance(text, str) else text


def _mask(code: object) -> str:
    """Enough of a refused code to find the typo, never enough to identify the person."""
    text = str(code)
    return text[:2] + "*" * max(len(text) - 2, 0) if len(text) > 4 else "*" * len(text)


@attrs.frozen(repr=False)
class PersonalIdentityCode:
    """A Finnish personal identity code (henkilötunnus) with a verified check character.

    Its ``repr`` and ``str`` never show the code; read :attr:`code` deliberately when it must be
    shown to its owner. No transcoding is registered for it: it never goes into an event in plain
    text.
    """

    code: str = attrs.field(
        converter=_strip_upper,
        validator=_check_identity_code,
    )

    @property
    def birth_date(self) -> date:
        """The birth date the code encodes, century sign included."""
        century = _CENTURY[self.code[6]]
        return date(century + int(self.code[4:6]), int(self.code[2:4]), int(self.code[0:2]))

    @property
    def century_sign(self) -> str:
        """The seventh character: ``+`` 1800s, ``-`` or ``U``–``Y`` 1900s, ``A``–``F`` 2000s."""
        return self.code[6]

    @property
    def individual_number(self) -> int:
        """The individual number, 002–899 (900–999 for temporary codes)."""
        return int(self.code[7:10])

    @property
    def is_temporary(self) -> bool:
        """Whether the individual number is in the temporary range 900–999."""
        return self.individual_number >= 900

    def __repr__(self) -> str:
        return "PersonalIdentityCode(<hidden>)"

    def __str__(self) -> str:
        return "<hidden personal identity code>"


_BUSINESS_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


def business_id_check_digit(first_seven: str) -> int | None:
    """The check digit for the seven digits of a Y-tunnus, or None when no digit is valid."""
    remainder = sum(int(d) * w for d, w in zip(first_seven, _BUSINESS_ID_WEIGHTS, strict=True)) % 11
    if remainder == 0:
        return 0
    if remainder == 1:
        return None
    return 11 - remainder


def _check_business_id(_: object, __: object, value: str) -> None:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{7}-[0-9]", value):
        raise BusinessIdError(f"a business ID has the shape 1234567-8: {value!r}")
    if business_id_check_digit(value[:7]) != int(value[8]):
        raise BusinessIdError(f"the check digit of business ID {value!r} does not match")


@attrs.frozen(order=True)
class BusinessId:
    """A Finnish business ID (Y-tunnus) with a verified check digit, e.g. ``0101263-6``."""

    value: str = attrs.field(
        converter=_strip,
        validator=_check_business_id,
    )

    def __str__(self) -> str:
        return self.value


def _check_period(instance: Period, _: object, end: date) -> None:
    start = instance.start
    if not _is_day(start) or not _is_day(end):
        raise PeriodError(f"a period runs between two dates: {start!r} – {end!r}")
    if end <= start:
        raise PeriodError(f"a period must end after it starts: {start} – {end}")


@attrs.frozen(order=True)
class Period:
    """A half-open range of days ``[start, end)``: it contains ``start`` and not ``end``.

    Half-open periods tile without gaps or overlaps: January ends where February starts.
    """

    start: date
    end: date = attrs.field(validator=_check_period)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        """The calendar month."""
        if not _is_whole(month) or not 1 <= month <= 12:
            raise PeriodError(f"a month is 1–12: {month!r}")
        start = _first_day(year, month)
        end = _first_day(year + 1, 1) if month == 12 else _first_day(year, month + 1)
        return cls(start, end)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        """The calendar quarter 1–4."""
        if not _is_whole(quarter) or not 1 <= quarter <= 4:
            raise PeriodError(f"a quarter is 1–4: {quarter!r}")
        start = _first_day(year, 3 * quarter - 2)
        end = _first_day(year + 1, 1) if quarter == 4 else _first_day(year, 3 * quarter + 1)
        return cls(start, end)

    @classmethod
    def year(cls, year: int) -> Period:
        """The calendar year."""
        return cls(_first_day(year, 1), _first_day(year + 1, 1))

    @classmethod
    def through(cls, first: date, last: date) -> Period:
        """The period from ``first`` to ``last`` inclusive, as contracts write it."""
        if not _is_day(last) or last >= date.max:
            raise PeriodError(f"a period's last day must be a date before {date.max}: {last!r}")
        return cls(first, last + timedelta(days=1))

    @property
    def last_day(self) -> date:
        """The last day inside the period."""
        return self.end - timedelta(days=1)

    @property
    def days(self) -> int:
        """How many days the period holds."""
        return (self.end - self.start).days

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day < self.end

    def overlaps(self, other: Period) -> bool:
        """Whether the two periods share at least one day."""
        return self.start < other.end and other.start < self.end

    def __str__(self) -> str:
        return f"{self.start.isoformat()}–{self.last_day.isoformat()}"


def _is_day(value: object) -> bool:
    """A date and not a datetime: periods are whole days, business dates carry no clock."""
    return isinstance(value, date) and not isinstance(value, datetime)


def _is_whole(number: object) -> bool:
    return isinstance(number, int) and not isinstance(number, bool)


def _first_day(year: int, month: int) -> date:
    if not _is_whole(year) or not 1 <= year <= 9998:
        raise PeriodError(f"not a year: {year!r}")
    return date(year, month, 1)
