"""Read models of the employment area: projections of the event history into SQL tables and reports.

Importable as ``employment_domain.projections``; the domain never imports this package. A
:class:`ProjectionRunner` applies the application's notification log to the projections' tables
in a :class:`ReadModel` database, a page per transaction, exactly once; each projection's report
function returns plain rows.
"""

from .caseload import Caseload
from .projection import (
    Page,
    Projection,
    ProjectionError,
    Rows,
    event_class,
    handles,
)
from .readmodel import ReadModel, read_model_url
from .reports import PROJECTIONS, all_projections, projection_named
from .runner import (
    HistoryMismatchError,
    Progress,
    ProjectionConflictError,
    ProjectionRunner,
    ProjectionVersionError,
    position_known_at,
)

__all__ = [
    "PROJECTIONS",
    "Caseload",
    "HistoryMismatchError",
    "Page",
    "Progress",
    "Projection",
    "ProjectionConflictError",
    "ProjectionError",
    "ProjectionRunner",
    "ProjectionVersionError",
    "ReadModel",
    "Rows",
    "all_projections",
    "event_class",
    "handles",
    "position_known_at",
    "projection_named",
    "read_model_url",
]
