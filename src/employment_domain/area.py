"""EmploymentArea: the one application that owns every aggregate of one employment area.

One application means one notification log, the single ordered history that projections read and
auditors replay.
"""

from __future__ import annotations

import inspect

from employment_domain.commands.clients import ClientCommands
from employment_domain.commands.contract import bounded
from employment_domain.commands.employers import EmployerCommands
from employment_domain.commands.ledgers import LedgerCommands
from employment_domain.commands.personal_data import PersonalDataCommands
from employment_domain.commands.procurements import ProcurementCommands
from employment_domain.commands.routing import RoutingCommands
from employment_domain.store.service import AreaCore

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


#: Methods that take what the history already holds (recorded decisions, rulebook versions), so
#: a bound added by a later release must not refuse them.
_UNBOUNDED = frozenset({"verify_decision", "explain_decision", "rulebook_for"})
#: Arguments with bounds of their own: personal data is checked by its own rules, whose
#: messages never quote the value.
#: A bulk import checks each row itself, so that the refusal names the row.
_OWN_BOUNDS = {
    "record_personal_details": frozenset({"identity_code", "name", "contact"}),
    "import_jobseekers": frozenset({"jobseekers"}),
}


def _bound_commands() -> None:
    """Every public command and query of the facade keeps the input contract
    (:mod:`employment_domain.commands.contract`) before it runs."""
    for name in dir(EmploymentArea):
        if name.startswith("_") or name in _UNBOUNDED or hasattr(AreaCore, name):
            continue
        member = inspect.getattr_static(EmploymentArea, name)
        if inspect.isfunction(member):
            own = _OWN_BOUNDS.get(name, frozenset())
            setattr(EmploymentArea, name, bounded(member, lambda area: area.parameters, own))


_bound_commands()
