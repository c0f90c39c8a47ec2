"""The reports' three languages: labels from gettext catalogs, numbers and dates by Babel.

Espoo and Kauniainen are both bilingual, so every report a council or a controller reads exists
in Finnish and Swedish as well as English. The words are not in code: they are gettext message
catalogs (``locale/<lang>/LC_MESSAGES/employment_domain.po``, compiled to ``.mo`` by
``scripts/compile_catalogs.py``) that translators can edit with their usual tools. Every entry
has a context (``msgctxt``), so that a column's name and a coded value are translated apart
(the column ``closed_on`` is "sulkemispäivä", the status ``closed`` is "suljettu"), and the
official names of services, offices, industries (TOL 2008 sections) and the area have contexts
of their own. An area the catalogs do not name (another area's rules folder) is named by its
own ``area.yaml``, which :func:`name_area` registers when the folder is read, so its reports
name it in each language without a catalog entry. Municipalities take their official Finnish
and Swedish names from ``rules/municipalities.yaml``; a Finnish municipality has no English
name of its own, so English uses the Finnish one. Numbers, percentages and dates follow the
language's conventions through Babel (``1 234,5`` and ``12,3 %`` in Finnish and Swedish).
"""

from __future__ import annotations

import gettext
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources

__all__ = ["LANGUAGES", "Language", "language", "name_area"]

#: The languages of the reports: English, Finnish, Swedish.
LANGUAGES = ("en", "fi", "sv")
_DOMAIN = "employment_domain"
#: The context a column's values are translated in, when not the general ``value``.
_VALUE_CONTEXTS = {
    "service_type": "service",
    "office": "office",
    "place": "office",
    "industry": "industry",
    "area": "area",
}
#: The names of areas read from their rules folders, by area id and language.
_AREA_NAMES: dict[str, dict[str, str]] = {}
#: TOL 2008 sections by the first two digits of a numeric industry code (its division).
_SECTIONS = (
    ("A", 1, 3),
    ("B", 5, 9),
    ("C", 10, 33),
    ("D", 35, 35),
    ("E", 36, 39),
    ("F", 41, 43),
    ("G", 45, 47),
    ("H", 49, 53),
    ("I", 55, 56),
    ("J", 58, 63),
    ("K", 64, 66),
    ("L", 68, 68),
    ("M", 69, 75),
    ("N", 77, 82),
    ("O", 84, 84),
    ("P", 85, 85),
    ("Q", 86, 88),
    ("R", 90, 93),
    ("S", 94, 96),
    ("T", 97, 98),
    ("U", 99, 99),
)


def name_area(area_id: str, names: dict[str, str]) -> None:
    """Name the area ``area_id`` in each language as its rules folder does (``names`` by
    language code), for the reports' ``area`` column where the catalogs have no entry."""
    _AREA_NAMES[area_id] = dict(names)


def language(code: str) -> Language:
    """The language ``code`` (``en``, ``fi`` or ``sv``); ValueError names the others."""
    if code not in LANGUAGES:
        raise ValueError(f"the reports are in {', '.join(LANGUAGES)}, not {code!r}")
    return _language(code)


@cache
def _language(code: str) -> Language:
    return Language(code)


@cache
def _catalog(code: str) -> gettext.GNUTranslations:
    path = resources.files(__name__).joinpath("locale", code, "LC_MESSAGES", f"{_DOMAIN}.mo")
    with path.open("rb") as handle:
        return gettext.GNUTranslations(handle)


class Language:
    """One language's words and number formats; get one with :func:`language`."""

    def __init__(self, code: str) -> None:
        self.code = code
        self._catalog = _catalog(code)

    def __repr__(self) -> str:
        return f"language({self.code!r})"

    def has(self, context: str, msgid: str) -> bool:
        """Whether the catalog translates ``msgid`` in ``context``."""
        missing = object()
        found = self._catalog._catalog.get(f"{context}\x04{msgid}", missing)  # type: ignore[attr-defined]
        return found is not missing

    def word(self, context: str, msgid: str) -> str:
        """``msgid`` translated in ``context``; the msgid itself when the catalog lacks it."""
        return self._catalog.pgettext(context, msgid)

    def text(self, context: str, key: str, **values: object) -> str:
        """A sentence of the catalog with its ``{placeholders}`` filled in."""
        return self.word(context, key).format(**values)

    def column(self, name: str) -> str:
        """A report column's label (its stable name when the catalog has none)."""
        return self.word("column", name)

    def value(self, value: str, column: str | None = None) -> str:
        """A coded value of ``column`` as a reader reads it: a municipality's or an industry's
        official name, a service's, an office's, or the value's label (a ``total`` row in the
        municipality column too); unknown text unchanged."""
        named = {"municipality": self.municipality, "industry": self.industry}.get(column or "")
        if named is not None and named(value) != value:
            return named(value)
        context = _VALUE_CONTEXTS.get(column or "")
        if context is not None and self.has(context, value):
            return self.word(context, value)
        if context == "area" and self.code in _AREA_NAMES.get(value, {}):
            return _AREA_NAMES[value][self.code]
        return self.word("value", value)

    def has_value(self, value: str, column: str | None = None) -> bool:
        """Whether :meth:`value` has a translation for ``value`` (not the text unchanged)."""
        named = {"municipality": self.municipality, "industry": self.industry}.get(column or "")
        if named is not None and named(value) != value:
            return True
        context = _VALUE_CONTEXTS.get(column or "")
        if context == "area" and self.code in _AREA_NAMES.get(value, {}):
            return True
        return (context is not None and self.has(context, value)) or self.has("value", value)

    def report(self, name: str) -> str:
        """A report's name, from its stable name (``cost-split``)."""
        return self.word("report", name)

    def yes_no(self, value: bool) -> str:
        """A truth value as a word."""
        return self.word("value", "yes" if value else "no")

    def municipality(self, code: str) -> str:
        """A municipality's official name in this language (Finnish in English), from its
        Statistics Finland code; any other text unchanged."""
        from employment_domain.values import MunicipalityCode, MunicipalityError

        try:
            municipality = MunicipalityCode(code)
        except MunicipalityError:
            return code
        return municipality.name_sv if self.code == "sv" else municipality.name_fi

    def industry(self, code: str) -> str:
        """A TOL 2008 industry code with its section's name: ``C Teollisuus``, or for a numeric
        code ``62010 (J Informaatio ja viestintä)``; an unknown code unchanged."""
        code = code.strip()
        if self.has("industry", code):
            return f"{code} {self.word('industry', code)}"
        if code.isdigit() and len(code) >= 2:
            division = int(code[:2])
            for section, first, last in _SECTIONS:
                if first <= division <= last:
                    return f"{code} ({section} {self.word('industry', section)})"
        return code

    def number(self, value: int | Decimal, *, money: bool = False, grouping: bool = True) -> str:
        """A number as this language writes it: ``1 234,5`` in Finnish and Swedish, ``1,234.5``
        in English; money always with two decimals; a Decimal keeps its own decimals, so a
        figure is never rounded by being shown."""
        from babel.numbers import format_decimal

        pattern = "#,##0" if grouping else "0"
        places = 2 if money else _places(value)
        if places:
            pattern += "." + "0" * places
        return format_decimal(
            Decimal(value), format=pattern, locale=self.code, group_separator=grouping
        )

    def percent(self, value: int | Decimal) -> str:
        """A percentage given in percent (``Decimal("12.3")``) as this language writes it:
        ``12,3 %`` in Finnish and Swedish, ``12.3%`` in English."""
        from babel import Locale
        from babel.numbers import format_percent

        standard = Locale.parse(self.code).percent_formats[None].pattern
        places = _places(value)
        pattern = standard.replace("#,##0", "#,##0." + "0" * places) if places else standard
        return format_percent(Decimal(value) / 100, format=pattern, locale=self.code)

    def date(self, value: date) -> str:
        """A date: ``1.3.2025`` in Finnish, ``2025-03-01`` in Swedish and English (ISO 8601,
        which English readers of an international report read without ambiguity)."""
        if self.code == "en":
            return value.isoformat()
        from babel.dates import format_date

        return format_date(value, format="short", locale=self.code)


def _places(value: int | Decimal) -> int:
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        return -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return 0
