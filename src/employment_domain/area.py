"""EmploymentArea: the one application that owns every aggregate of one employment area.

One application means one notification log, the single ordered history that projections read and
auditors replay.
"""

from __future__ import annotations

from employment_domain.commands.clients import ClientCommands
from employment_domain.commands.employers import EmployerCommands
from employment_domain.commands.ledgers import LedgerCommands
from employment_domain.commands.personal_data import PersonalDataCommands
from employment_domain.commands.procurements import ProcurementCommands
from employment_domain.commands.routing import RoutingCommands

__all__ = ["EmploymentArea"]


class EmploymentArea(
    PersonalDataCommands,
    RoutingCommands,
    ClientCommands,
    EmployerCommands,
    ProcurementCommands,
    LedgerCommands,
):
    """Commands and queries of an employment area over one event store.

    ``EmploymentArea()`` opens the SQLite file named by ``EMPLOYMENT_AREA_DB`` or
    ``employment-area.db``; ``EmploymentArea("area.db")`` another file;
    ``EmploymentArea("postgresql://user:password@host:5432/db")`` a PostgreSQL database;
    ``EmploymentArea(":memory:")`` an in-memory store for tests.
    """
