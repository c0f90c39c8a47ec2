"""The effectiveness table's identities, for disclosure control (no tables).

A reader of the published table knows that a service started, completed or interrupted is one of
the referrals, that only a service ended is observed and only an observed one employed, that a
target group's row is never larger than the same route's ``all`` row, and that
``stratum_referrals`` adds up the referrals of the rows of its stratum. The median counts with
``employed_within_6_months`` and the euros with ``participants_invoiced``: hidden with them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from .disclosure import Cell, Layout, Relation, at_most, total
from .suppression import MARKER, PublishedRows, protect

__all__ = ["COUNTS", "STRATUM", "effectiveness_layout", "protect_by_block"]

#: The count of the stratum a row belongs to, over all its routes.
STRATUM = "stratum_referrals"
#: The counted columns of a row, in report order.
COUNTS = (
    STRATUM,
    "referrals",
    "started",
    "completed",
    "interrupted",
    "observed_3_months",
    "employed_within_3_months",
    "observed_6_months",
    "employed_within_6_months",
    "participants_invoiced",
)
_WITHIN = (
    ("started", "referrals"),
    ("completed", "started"),
    ("interrupted", "referrals"),
    ("observed_6_months", "observed_3_months"),
    ("employed_within_3_months", "observed_3_months"),
    ("employed_within_6_months", "observed_6_months"),
    ("participants_invoiced", "referrals"),
)
_ROW_COUNTS = tuple(name for name in COUNTS if name != STRATUM)
#: The figures computed from counts, hidden with them.
_FIGURES = ("median_days_to_employment", "euros_invoiced_per_participant")


def effectiveness_layout(rows: list[dict[str, Any]]) -> Layout:
    """The identities of the effectiveness rows (see the module's docstring)."""
    relations: list[Relation] = []
    strata: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    whole: dict[tuple[Any, ...], int] = {}
    for i, row in enumerate(rows):
        relations += [at_most((i, part), (i, of)) for part, of in _WITHIN]
        ended = (((i, "completed"), -1), ((i, "interrupted"), -1))
        relations.append(
            Relation((((i, "referrals"), -1), *((cell, 1) for cell, _ in ended)), equality=False)
        )
        relations.append(Relation((((i, "observed_3_months"), 1), *ended), equality=False))
        strata[_stratum(row)].append(i)
        if row["target_group"] == "all":
            whole[_route(row)] = i
    for i, row in enumerate(rows):
        members: list[Cell] = [(j, "referrals") for j in strata[_stratum(row)]]
        relations.append(total((i, STRATUM), members))
        of = whole.get(_route(row))
        if of is not None and of != i:
            relations += [at_most((i, name), (of, name)) for name in _ROW_COUNTS]
    follows = {}
    for i in range(len(rows)):
        follows[(i, "median_days_to_employment")] = ((i, "employed_within_6_months"),)
        follows[(i, "euros_invoiced_per_participant")] = ((i, "participants_invoiced"),)
    counts = tuple((i, name) for i in range(len(rows)) for name in COUNTS)
    margins = frozenset((i, STRATUM) for i in range(len(rows)))
    return Layout(counts=counts, relations=tuple(relations), follows=follows, margins=margins)


def _stratum(row: dict[str, Any]) -> tuple[Any, ...]:
    return (
        row["year"],
        row["service_type"],
        row["target_group"],
        row["municipality"],
        row["age_band"],
    )


def _route(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row["year"], row["service_type"], row["municipality"], row["age_band"], row["route"])


def protect_by_block(rows: list[dict[str, Any]], threshold: int) -> PublishedRows:
    """The published form of the rows: small strata hidden whole, the rest protected block by
    block.

    A stratum of fewer referrals than the threshold is hidden whole, as the area asked: every
    count of its rows but the zeros (a zero is never hidden, as everywhere), with the medians
    and euros. Such rows bound nothing a reader sees (a group's row lies within its ``all`` row,
    and an ``all`` stratum that small makes its groups' strata small too), so the other rows
    are protected as a table of their own. No identity reaches beyond the rows of one year,
    service type, municipality and age band (a block), so those are protected block by block,
    which keeps each linear programme small.
    """
    small = {_stratum(row) for row in rows if row[STRATUM] < threshold}
    blocks: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    out: list[dict[str, Any]] = [dict(row) for row in rows]
    for i, row in enumerate(rows):
        if _stratum(row) in small:
            hidden = [
                name
                for name, value in row.items()
                if (name in COUNTS and value) or (name in _FIGURES and value is not None)
            ]
            out[i].update(dict.fromkeys(hidden, None))
            out[i][MARKER] = ",".join(hidden)
        else:
            blocks[_block(row)].append(i)
    for indices in blocks.values():
        part = [rows[i] for i in indices]
        published = protect(part, effectiveness_layout(part), threshold=threshold)
        for i, shown in zip(indices, published, strict=True):
            out[i] = shown
    return PublishedRows(out, effectiveness_layout(rows), threshold)


def _block(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row["year"], row["service_type"], row["municipality"], row["age_band"])
