"""The catalogue of report projections by their stable names (``cost-split``, ``caseload``, …).

The command line and other systems ask for a report by name; a new projection becomes
available everywhere by being listed in ``PROJECTIONS``.
"""

from __future__ import annotations

from .budget import Budget
from .caseload import Caseload
from .caseload_groups import CaseloadGroups
from .cost_split import CostSplit
from .deadlines import Deadlines
from .effectiveness import Effectiveness
from .outcomes import Outcomes
from .partners import Partners
from .procurement import Procurements
from .projection import Projection, ProjectionError
from .routing import Routing
from .service_channels import ServiceChannels
from .staff import Staff
from .structural_change import StructuralChange

__all__ = ["PROJECTIONS", "all_projections", "projection_named"]

#: Every report projection of the library, in the order their reports are listed.
PROJECTIONS: tuple[type[Projection], ...] = (
    CostSplit,
    Budget,
    Caseload,
    CaseloadGroups,
    Routing,
    Deadlines,
    Outcomes,
    Effectiveness,
    Procurements,
    StructuralChange,
    ServiceChannels,
    Staff,

    Partners,
)


def all_projections() -> list[Projection]:
    """A fresh instance of every report projection."""
    return [projection() for projection in PROJECTIONS]


def projection_named(name: str) -> Projection:
    """The projection whose report has this name; ProjectionError lists the names there are."""
    for projection in PROJECTIONS:
        if projection.name == name:
            return projection()
    names = ", ".join(projection.name for projection in PROJECTIONS)
    raise ProjectionError(f"no report named {name!r}; the reports are {names}")
