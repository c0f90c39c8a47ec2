"""Opening an employment area's store for audit: an EmploymentArea that reads everything and can
write nothing (the locks themselves are in :mod:`employment_domain.store.readonly`)."""

from __future__ import annotations

import os

from eventsourcing.persistence import PersistenceError

from employment_domain.area import EmploymentArea
from employment_domain.errors import StoreError
from employment_domain.parameters import Parameters
from employment_domain.store.persistence import describe_store
from employment_domain.store.readonly import ReadOnlyStoreError, audit_environment

__all__ = ["ReadOnlyStoreError", "open_for_audit"]


def open_for_audit(
    db: str | os.PathLike[str], *, parameters: Parameters | None = None
) -> EmploymentArea:
    """An EmploymentArea over ``db`` that reads everything and can write nothing.

    Every command that would record an event raises :class:`ReadOnlyStoreError`; queries,
    replays, the notification log and :func:`employment_domain.audit.seals.verify_history` work as
    usual. Raises :class:`StoreError` when the store does not exist or holds no event table.
    """
    area = EmploymentArea(db, parameters=parameters, env=audit_environment(db))
    try:
        area.head_position()
    except PersistenceError as error:
        area.close()
        first_line = (str(error).strip() or type(error).__name__).splitlines()[0]
        raise StoreError(
            f"cannot read the event history of {describe_store(db)!r}: {first_line}"
        ) from error
    return area
