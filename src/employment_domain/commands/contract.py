"""The input contract every command of the area keeps, checked before anything is recorded.

Each command checks the shape of its own input (a date is a date, a municipality is known). The
contract adds the bounds that no single command knew: business dates within a window, birth
dates that make a plausible age at the act, text of bounded length without control characters,
counts and amounts that an employment area can have. The bounds are dated parameters of
``rules/parameters/input_bounds.yaml`` with their reasons; a refusal is an
:class:`InputBoundsError` that names the field, the value's kind and the bound, and records
nothing, because the check runs before the command does.

Arguments are walked the way a command receives them: keyword arguments, mappings (a bulk
import's rows, ``**changes``), lists and tuples, periods and the library's other attrs values. A
field is known by its name: ``birth_date`` is an age bound, ``seats`` the contract bound, the
free-text names in :data:`LONG_TEXT_FIELDS` the longer text bound.
"""

from __future__ import annotations

import functools
import inspect
import re
import weakref
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

import attrs

from employment_domain.errors import EmploymentDomainError
from employment_domain.money import Money
from employment_domain.parameters import ParameterError, Parameters
from employment_domain.values import Period

__all__ = [
    "AMOUNT_FIELDS",
    "LIFE_DATE_FIELDS",
    "LONG_TEXT_FIELDS",
    "YEAR_FIELDS",
    "InputBounds",
    "InputBoundsError",
    "bounded",
    "check_arguments",
]

#: Fields that hold free text rather than a name or a reference.
LONG_TEXT_FIELDS = frozenset({"reason", "description", "note", "topic", "justification"})
#: Dates of a person's life rather than acts of the area: they may lie before the window of
#: business dates, but not before this day (the command itself checks their order).
LIFE_DATE_FIELDS = frozenset({"first_residence_permit_on"})
_EARLIEST_LIFE_DATE = date(1900, 1, 1)
#: Fields that hold an amount of money, whether given as Money, Decimal, int or text.
AMOUNT_FIELDS = frozenset({"amount", "estimated_value", "unit_price", "value_cap", "net_cost"})
#: Fields that hold a year, which must lie within the window of business dates.
YEAR_FIELDS = frozenset({"year", "adjusts_year"})
#: Control characters (Unicode category Cc): none in a name; in free text, all but the tab and
#: the line break.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: The date whose parameters give the bounds of a command that carries no business date.
_FALLBACK_DAY = date(2025, 1, 1)

F = TypeVar("F", bound=Callable[..., Any])
#: The bounds already read, by parameters (weakly, so that they go with their parameters) and day.
_BOUNDS: weakref.WeakKeyDictionary[Parameters, dict[date, InputBounds]] = (
    weakref.WeakKeyDictionary()
)


class InputBoundsError(EmploymentDomainError, ValueError):
    """An input outside the contract's bounds (a date, an age, a length, a count or an amount);
    nothing was recorded."""


@attrs.frozen
class InputBounds:
    """The bounds in force: read from the dated parameters at the command's business date."""

    earliest: date
    latest: date
    youngest: int
    oldest: int
    max_name: int
    max_text: int
    max_seats: int
    max_count: int
    max_amount: Decimal

    @classmethod
    def in_force(cls, parameters: Parameters, on: date) -> InputBounds:
        """The bounds of the parameters in force on ``on``; a date where none are in force is
        outside every window."""
        try:
            value = functools.partial(parameters.value, on=on)
            return cls(
                earliest=date.fromisoformat(str(value("earliest_business_date"))),
                latest=date.fromisoformat(str(value("latest_business_date"))),
                youngest=int(value("youngest_age_at_act")),
                oldest=int(value("oldest_age_at_act")),
                max_name=int(value("max_name_length")),
                max_text=int(value("max_text_length")),
                max_seats=int(value("max_seats")),
                max_count=int(value("max_count")),
                max_amount=Decimal(str(value("max_amount"))),
            )
        except ParameterError as error:
            raise InputBoundsError(
                f"the business date {on} is outside every window of the input bounds: {error}"
            ) from None


def check_arguments(parameters: Parameters, arguments: Mapping[str, Any]) -> None:
    """Refuse the first argument outside the bounds in force at the arguments' business date."""
    given = arguments.get("on")
    on: date | None = given if _is_day(given) else None
    _Walker(_bounds(parameters, on if on is not None else _FALLBACK_DAY)).mapping(arguments, on)


def _bounds(parameters: Parameters, day: date) -> InputBounds:
    """The bounds in force on ``day``, read once per set of parameters and day: a bulk import
    checks every row, and reading nine parameters for each row cost a quarter of its speed."""
    known = _BOUNDS.setdefault(parameters, {})
    bounds = known.get(day)
    if bounds is None:
        if len(known) > 10_000:
            known.clear()
        bounds = known[day] = InputBounds.in_force(parameters, day)
    return bounds


def bounded(
    method: F,
    parameters_of: Callable[[Any], Parameters],
    own_bounds: frozenset[str] = frozenset(),
) -> F:
    """``method`` with its arguments checked against the contract before it runs; the
    arguments named in ``own_bounds`` are left to the method's own checks."""
    signature = inspect.signature(method)

    @functools.wraps(method)
    def checked(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            bound = signature.bind(self, *args, **kwargs)
        except TypeError:
            return method(self, *args, **kwargs)  # the command's own error says what is wrong
        arguments = dict(bound.arguments)
        arguments.pop(next(iter(signature.parameters)))
        for name, parameter in signature.parameters.items():
            if parameter.kind is inspect.Parameter.VAR_KEYWORD and name in arguments:
                arguments.update(arguments.pop(name))
        for name in own_bounds:
            arguments.pop(name, None)
        check_arguments(parameters_of(self), arguments)
        return method(self, *args, **kwargs)

    return checked  # type: ignore[return-value]


class _Walker:
    """Checks values against the bounds, naming each by the field it came in."""

    def __init__(self, bounds: InputBounds) -> None:
        self.bounds = bounds

    def mapping(self, values: Mapping[str, Any], on: date | None) -> None:
        own_on = values.get("on")
        act = own_on if _is_day(own_on) else on
        for key, value in values.items():
            self.value(str(key), value, act)

    def value(self, field: str, value: Any, on: date | None) -> None:
        if value is None or isinstance(value, bool):
            return
        if field in AMOUNT_FIELDS and isinstance(value, str | int):
            try:
                value = Decimal(value.strip() if isinstance(value, str) else value)
            except ArithmeticError:
                return  # not a number: the command's own check says so
        if field in YEAR_FIELDS and isinstance(value, int):
            self.year(field, value)
        elif isinstance(value, Money):
            self.amount(field, value.amount)
        elif isinstance(value, Decimal):
            if value.is_finite():  # NaN and infinity: the command's own check names them
                self.amount(field, value)
        elif isinstance(value, int):
            self.count(field, value)
        elif isinstance(value, str):
            self.text(field, value)
        elif _is_day(value):
            self.day(field, value, on)
        elif isinstance(value, Period):
            self.day(f"{field} start", value.start, None)
            self.day(f"{field} end", value.end, None, end=True)
        elif isinstance(value, Mapping):
            self.mapping(value, on)
        elif isinstance(value, list | tuple):
            for item in value:
                self.value(field, item, on)
        elif attrs.has(type(value)):
            for attribute in attrs.fields(type(value)):
                self.value(f"{field}.{attribute.name}", getattr(value, attribute.name), on)

    def day(self, field: str, value: date, on: date | None, *, end: bool = False) -> None:
        bounds = self.bounds
        if field == "birth_date":
            if on is None or value >= on:
                return  # the command refuses a birth after the act, naming both dates
            age = on.year - value.year - ((on.month, on.day) < (value.month, value.day))
            if not bounds.youngest <= age <= bounds.oldest:
                raise InputBoundsError(
                    f"{field} {value} makes an age of {age} on {on}; a client is"
                    f" {bounds.youngest} to {bounds.oldest} years old"
                )
            return
        latest = bounds.latest if not end else date.fromordinal(bounds.latest.toordinal() + 1)
        earliest = _EARLIEST_LIFE_DATE if field in LIFE_DATE_FIELDS else bounds.earliest
        if not earliest <= value <= latest:
            raise InputBoundsError(
                f"{field} {value} is outside the dates {earliest} – {bounds.latest}"
            )

    def text(self, field: str, value: str) -> None:
        long = field.rsplit(".", 1)[-1] in LONG_TEXT_FIELDS
        limit = self.bounds.max_text if long else self.bounds.max_name
        if len(value) > limit:
            raise InputBoundsError(
                f"{field} is {len(value)} characters long; at most {limit} are allowed"
            )
        found = (_CONTROL_IN_TEXT if long else _CONTROL).search(value)
        if found is not None:
            raise InputBoundsError(
                f"{field} holds the control character U+{ord(found.group()):04X}; it is refused"
            )

    def year(self, field: str, value: int) -> None:
        first, last = self.bounds.earliest.year, self.bounds.latest.year
        if not first <= value <= last:
            raise InputBoundsError(f"{field} {value} is outside the years {first} – {last}")

    def count(self, field: str, value: int) -> None:
        limit = self.bounds.max_seats if field in ("seats", "capacity") else self.bounds.max_count
        if abs(value) > limit:
            raise InputBoundsError(f"{field} {value} is beyond the bound of {limit}")

    def amount(self, field: str, value: Decimal) -> None:
        if abs(value) > self.bounds.max_amount:
            raise InputBoundsError(
                f"{field} {value} € is beyond the bound of {self.bounds.max_amount} €"
            )


def _is_day(value: object) -> bool:
    return isinstance(value, date) and not hasattr(value, "hour")
