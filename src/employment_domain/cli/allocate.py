"""The ``allocate`` command: the cost split alone, from a CSV of basis figures."""

from __future__ import annotations

import argparse
import csv
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from employment_domain.cli.options import (
    Subparsers,
    add_format_option,
    add_lang_option,
    business_date,
    print_rows,
)
from employment_domain.errors import EmploymentDomainError
from employment_domain.ledgers.allocation import MunicipalBasis
from employment_domain.ledgers.criteria import (
    Criterion,
    CriterionBasis,
    SplitCriteria,
    split_by_criteria,
)
from employment_domain.ledgers.records import BasisDateError
from employment_domain.money import Money
from employment_domain.parameters import default_parameters
from employment_domain.values import MunicipalityCode

__all__ = [
    "BasisFileError",
    "MunicipalityOutsideAreaError",
    "add_parser",
    "allocation_rows",
    "ratio_text",
    "read_basis_csv",
    "read_criteria_csv",
]

BASIS_COLUMNS = ("municipality", "population_18_64", "unemployed_broad")
#: The most digits a figure may have: more people than live on Earth fit in twelve.
_MAX_FIGURE_DIGITS = 12
#: A count column's companion: ``<criterion>_reference_date``, the ISO date it was counted on.
DATE_SUFFIX = "_reference_date"


class BasisFileError(EmploymentDomainError, ValueError):
    """A basis CSV that cannot be read: a missing file or a folder, text that is not UTF-8, a
    missing or unknown column, a municipality twice, a figure that is not a whole number."""


class MunicipalityOutsideAreaError(BasisFileError):
    """A basis row for a municipality that is not one of the area's contracting municipalities
    on the date of the split: the area's cost is not shared with it."""


def read_basis_csv(path: Path, on: date | None = None) -> list[MunicipalBasis]:
    """The bases in a CSV whose header is ``municipality,population_18_64,unemployed_broad``.

    With ``on``, a municipality that had ceased by merger before that date is refused with its
    line (MunicipalityMergedError names the successor): a split made on ``on`` has no share for
    it. Without it, any code of the classification reads, as an old basis file must.
    """
    plan = SplitCriteria(
        [
            Criterion("population_18_64", Fraction(1, 2)),
            Criterion("unemployed_broad", Fraction(1, 2)),
        ]
    )
    return [
        MunicipalBasis(
            municipality=basis.municipality,
            population_18_64=basis.counts["population_18_64"],
            unemployed_broad=basis.counts["unemployed_broad"],
        )
        for basis in read_criteria_csv(path, plan, on)
    ]


def read_criteria_csv(
    path: Path,
    criteria: SplitCriteria,
    on: date | None = None,
    area: Iterable[str] | None = None,
) -> list[CriterionBasis]:
    """The bases in a CSV with a ``municipality`` column and one column per criterion.

    A column ``<criterion>_reference_date`` may give the ISO date each count was taken on: one
    date for every municipality (BasisDateError naming the file and the column otherwise), and,
    with ``on``, the date the criterion's reference-date rule gives. With ``area``, a
    municipality outside it is refused (MunicipalityOutsideAreaError).
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise BasisFileError(
            f"cannot read the basis file {str(path)!r}: {error.strerror or error}"
        ) from None
    except UnicodeDecodeError as error:
        raise BasisFileError(
            f"the basis file {path.name!r} is not UTF-8 text (byte {error.start + 1} cannot be"
            " read); save it as CSV UTF-8"
        ) from None
    try:
        bases = _bases(path, text, on, criteria)
    except csv.Error as error:
        raise BasisFileError(
            f"the basis file {path.name!r} is not a readable CSV: {error}"
        ) from None
    _check_dates(path, bases, criteria, on)
    if area is not None:
        members = set(area)
        outside = [b.municipality for b in bases if b.municipality.code not in members]
        if outside:
            shown = ", ".join(str(code) for code in outside)
            raise MunicipalityOutsideAreaError(
                f"{path.name}: not a contracting municipality of the area: {shown}"
                f" ({', '.join(sorted(members))})"
            )
    return bases


def _bases(path: Path, text: str, on: date | None, criteria: SplitCriteria) -> list[CriterionBasis]:
    """The rows of the decoded file, each checked, with its line number in any refusal."""
    reader = csv.DictReader(text.splitlines())
    header = [name.strip() for name in reader.fieldnames or []]
    expected = ["municipality", *criteria.names]
    allowed = set(expected) | {name + DATE_SUFFIX for name in criteria.names}
    missing = [name for name in expected if name not in header]
    if missing:
        raise BasisFileError(
            f"the basis file {path.name!r} lacks column(s) {', '.join(missing)};"
            f" its header must be {','.join(expected)}"
        )
    unknown = [name for name in header if name not in allowed]
    twice = sorted({name for name in header if header.count(name) > 1})
    if unknown or twice:
        raise BasisFileError(
            f"the basis file {path.name!r} has column(s) "
            f"{', '.join(unknown + twice)} that the criteria in force do not name"
            f" or that appear twice; its header is {','.join(expected)} and, for any"
            f" criterion, <criterion>{DATE_SUFFIX}"
        )
    bases = []
    seen: dict[str, int] = {}
    for line_number, row in enumerate(reader, start=2):
        cells = {key.strip(): (value or "").strip() for key, value in row.items() if key}
        counts = {}
        dates = {}
        for column in criteria.names:
            cell = cells.get(column, "").replace(" ", "").replace("\u00a0", "")
            # isdecimal, not isdigit: '²' is a digit that int() refuses. The length bound keeps
            # int() within Python's limit on the digits it converts.
            if not cell.isdecimal() or len(cell) > _MAX_FIGURE_DIGITS:
                raise BasisFileError(
                    f"{path.name} line {line_number}: {column} must be a whole number ≥ 0"
                    f" of at most {_MAX_FIGURE_DIGITS} digits, not {_shown(cells.get(column, ''))}"
                )
            counts[column] = int(cell)
            date_cell = cells.get(column + DATE_SUFFIX)
            if date_cell is not None:
                try:
                    dates[column] = date.fromisoformat(date_cell)
                except ValueError:
                    raise BasisFileError(
                        f"{path.name} line {line_number}: {column}{DATE_SUFFIX} must be a date"
                        f" YYYY-MM-DD, not {_shown(date_cell)}"
                    ) from None
        municipality = MunicipalityCode.parse(cells["municipality"])
        if on is not None:
            municipality.check_in_force(on, where=f"{path.name} line {line_number}: ")
        if municipality.code in seen:
            raise BasisFileError(
                f"{path.name} line {line_number}: municipality {municipality} is already on"
                f" line {seen[municipality.code]}"
            )
        seen[municipality.code] = line_number
        bases.append(CriterionBasis(municipality, counts, dates))
    if not bases:
        raise BasisFileError(f"the basis file {path.name!r} has no municipalities")
    return bases


def _check_dates(
    path: Path, bases: list[CriterionBasis], criteria: SplitCriteria, on: date | None
) -> None:
    """One reference date per criterion, and the one its rule gives for ``on``."""
    for criterion in criteria.criteria:
        key = criterion.name + DATE_SUFFIX
        dates = sorted(
            {
                b.reference_dates[criterion.name]
                for b in bases
                if criterion.name in b.reference_dates
            }
        )
        if len(dates) > 1:
            shown = ", ".join(day.isoformat() for day in dates)
            raise BasisDateError(
                f"{path.name}: {key} must be one date for every municipality, not {shown}"
            )
        expected = None if on is None else criterion.reference_date(on)
        if dates and expected is not None and dates[0] != expected:
            raise BasisDateError(
                f"{path.name}: {key} is {dates[0]}, but the rule in force"
                f" ({criterion.reference_date_rule}) counts {criterion.name} on {expected}"
            )


def _shown(cell: str) -> str:
    """A cell for a message: quoted, and cut short when it is long."""
    return repr(cell) if len(cell) <= 40 else f"{cell[:40]!r}…"


def allocation_rows(net_cost: str, basis_file: Path, on: date) -> list[dict[str, Any]]:
    """The split of ``net_cost`` by the bases in ``basis_file``, criteria in force on ``on``.

    The criteria are the area's (``--rules``): its ``cost_split_criteria`` or the plan's two;
    every municipality of the file must be one of the area's contracting municipalities.
    """
    parameters = default_parameters()
    criteria = SplitCriteria.in_force(parameters, on)
    area = [str(code) for code in parameters.value("contracting_municipalities", on)]
    split = split_by_criteria(
        Money.euros(net_cost.replace(" ", "").replace("\u00a0", "")),
        read_criteria_csv(basis_file, criteria, on, area),
        criteria,
    )
    rows: list[dict[str, Any]] = []
    for share in split.shares:
        row: dict[str, Any] = {
            "municipality": share.municipality.code,
            "municipality_name": share.municipality.name_fi,
        }
        row.update(share.basis.counts)
        for name in criteria.names:
            row[_share_column(name)] = ratio_text(share.column_shares[name])
        row["share"] = ratio_text(share.share)
        row["amount"] = share.amount.amount
        rows.append(row)
    total: dict[str, Any] = {"municipality": "total"}
    total.update(split.totals)
    total["share"] = "1.000000"
    total["amount"] = sum((s.amount for s in split.shares), Money.zero()).amount
    rows.append(total)
    return rows


def _share_column(criterion: str) -> str:
    """The share column of a criterion; the plan's two keep their established names."""
    return {"population_18_64": "population_share", "unemployed_broad": "unemployed_share"}.get(
        criterion, f"{criterion}_share"
    )


def ratio_text(value: Fraction) -> str:
    """An exact share shown to six decimals, computed in Decimal (never a float)."""
    return f"{Decimal(value.numerator) / Decimal(value.denominator):.6f}"


def add_parser(commands: Subparsers) -> None:
    """``allocate``: the split of a net cost by a CSV of basis figures."""
    parser = commands.add_parser(
        "allocate",
        help="split a net cost between municipalities by a CSV of basis figures",
        description="The cost split alone, for finance staff: the net cost shared by the"
        " criteria in force on --on (the area's cost_split_criteria, else its 18–64-year-olds"
        " and broadly unemployed), to the cent (largest remainder). The CSV has a column"
        " municipality (three-digit codes of the area's contracting municipalities) and one"
        f" column per criterion, e.g. {','.join(BASIS_COLUMNS)}; an optional column"
        f" <criterion>{DATE_SUFFIX} gives the one date its counts were taken on.",
    )
    parser.add_argument(
        "--net-cost", required=True, metavar="AMOUNT", help="euros, e.g. 21000000.00"
    )
    parser.add_argument("--basis", required=True, type=Path, metavar="FILE.csv", help="basis CSV")
    parser.add_argument(
        "--on",
        type=business_date,
        default=None,
        metavar="DATE",
        help="the date whose criteria and weights apply (default: today)",
    )
    add_format_option(parser)
    add_lang_option(parser)
    parser.set_defaults(run=_run, parser=parser)


def _run(arguments: argparse.Namespace) -> int:
    on = arguments.on or date.today()  # the command line may read the clock; the domain never
    rows = allocation_rows(arguments.net_cost, arguments.basis, on)
    title = f"Cost split of {arguments.net_cost} €, criteria in force on {on}"
    columns = None
    if arguments.lang == "fi" and arguments.format != "json":
        # In Finnish the municipality column already shows the official name.
        columns = [name for name in rows[0] if name != "municipality_name"]
    print_rows(rows, arguments.format, lang=arguments.lang, title=title, columns=columns)
    return 0
