"""The ``allocate`` command: the cost split alone, from a CSV of basis figures."""

from __future__ import annotations

import argparse
import csv
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
from employment_domain.ledgers.allocation import MunicipalBasis, SplitWeights, split_cost
from employment_domain.money import Money
from employment_domain.parameters import default_parameters
from employment_domain.values import MunicipalityCode

__all__ = ["BasisFileError", "add_parser", "allocation_rows", "ratio_text", "read_basis_csv"]

BASIS_COLUMNS = ("municipality", "population_18_64", "unemployed_broad")
#: The most digits a figure may have: more people than live on Earth fit in twelve.
_MAX_FIGURE_DIGITS = 12


class BasisFileError(EmploymentDomainError, ValueError):
    """A basis CSV that cannot be read: a missing file or a folder, text that is not UTF-8, a
    missing column, a figure that is not a whole number."""


def read_basis_csv(path: Path, on: date | None = None) -> list[MunicipalBasis]:
    """The bases in a CSV whose header is ``municipality,population_18_64,unemployed_broad``.

    With ``on``, a municipality that had ceased by merger before that date is refused with its
    line (MunicipalityMergedError names the successor): a split made on ``on`` has no share for
    it. Without it, any code of the classification reads, as an old basis file must.
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
        return _bases(path, text, on)
    except csv.Error as error:
        raise BasisFileError(
            f"the basis file {path.name!r} is not a readable CSV: {error}"
        ) from None


def _bases(path: Path, text: str, on: date | None) -> list[MunicipalBasis]:
    """The rows of the decoded file, each checked, with its line number in any refusal."""
    reader = csv.DictReader(text.splitlines())
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in BASIS_COLUMNS if name not in header]
    if missing:
        raise BasisFileError(
            f"the basis file {path.name!r} lacks column(s) {', '.join(missing)};"
            f" its header must be {','.join(BASIS_COLUMNS)}"
        )
    bases = []
    for line_number, row in enumerate(reader, start=2):
        cells = {key.strip(): (value or "").strip() for key, value in row.items() if key}
        figures = []
        for column in BASIS_COLUMNS[1:]:
            cell = cells[column].replace(" ", "").replace("\u00a0", "")
            # isdecimal, not isdigit: '²' is a digit that int() refuses. The length bound keeps
            # int() within Python's limit on the digits it converts.
            if not cell.isdecimal() or len(cell) > _MAX_FIGURE_DIGITS:
                raise BasisFileError(
                    f"{path.name} line {line_number}: {column} must be a whole number ≥ 0"
                    f" of at most {_MAX_FIGURE_DIGITS} digits, not {_shown(cells[column])}"
                )
            figures.append(int(cell))
        municipality = MunicipalityCode.parse(cells["municipality"])
        if on is not None:
            municipality.check_in_force(on, where=f"{path.name} line {line_number}: ")
        bases.append(
            MunicipalBasis(
                municipality=municipality,
                population_18_64=figures[0],
                unemployed_broad=figures[1],
            )
        )
    if not bases:
        raise BasisFileError(f"the basis file {path.name!r} has no municipalities")
    return bases


def _shown(cell: str) -> str:
    """A cell for a message: quoted, and cut short when it is long."""
    return repr(cell) if len(cell) <= 40 else f"{cell[:40]!r}…"


def allocation_rows(net_cost: str, basis_file: Path, on: date) -> list[dict[str, Any]]:
    """The split of ``net_cost`` by the bases in ``basis_file``, weights in force on ``on``."""
    split = split_cost(
        Money.euros(net_cost.replace(" ", "").replace("\u00a0", "")),
        read_basis_csv(basis_file, on),
        SplitWeights.in_force(default_parameters(), on),
    )
    rows: list[dict[str, Any]] = []
    for share in split.shares:
        rows.append(
            {
                "municipality": share.municipality.code,
                "municipality_name": share.municipality.name_fi,
                "population_18_64": share.basis.population_18_64,
                "unemployed_broad": share.basis.unemployed_broad,
                "population_share": ratio_text(share.population_share),
                "unemployed_share": ratio_text(share.unemployed_share),
                "share": ratio_text(share.share),
                "amount": share.amount.amount,
            }
        )
    rows.append(
        {
            "municipality": "total",
            "population_18_64": split.population_18_64_total,
            "unemployed_broad": split.unemployed_broad_total,
            "share": "1.000000",
            "amount": sum((s.amount for s in split.shares), Money.zero()).amount,
        }
    )
    return rows


def ratio_text(value: Fraction) -> str:
    """An exact share shown to six decimals, computed in Decimal (never a float)."""
    return f"{Decimal(value.numerator) / Decimal(value.denominator):.6f}"


def add_parser(commands: Subparsers) -> None:
    """``allocate``: the split of a net cost by a CSV of basis figures."""
    parser = commands.add_parser(
        "allocate",
        help="split a net cost between municipalities by a CSV of basis figures",
        description="The cost split alone, for finance staff: the net cost shared by the"
        " municipalities' 18–64-year-olds and broadly unemployed, with the weights in force on"
        " --on, to the cent (largest remainder). The CSV's header is"
        f" {','.join(BASIS_COLUMNS)}; municipalities by their three-digit code.",
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
        help="the date whose split weights apply (default: today)",
    )
    add_format_option(parser)
    add_lang_option(parser)
    parser.set_defaults(run=_run, parser=parser)


def _run(arguments: argparse.Namespace) -> int:
    on = arguments.on or date.today()  # the command line may read the clock; the domain never
    rows = allocation_rows(arguments.net_cost, arguments.basis, on)
    title = f"Cost split of {arguments.net_cost} €, weights in force on {on}"
    columns = None
    if arguments.lang == "fi" and arguments.format != "json":
        # In Finnish the municipality column already shows the official name.
        columns = [name for name in rows[0] if name != "municipality_name"]
    print_rows(rows, arguments.format, lang=arguments.lang, title=title, columns=columns)
    return 0
