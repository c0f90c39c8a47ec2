"""The area a store was written under, recorded once in the store itself.

Each employment area has its own rules folder (:mod:`employment_domain.area_rules`). Decisions,
ledgers and reports only make sense under the area whose rules made them, so the first write of
another area to an empty store records that area (an :class:`AreaRegistration`), and opening a
store under another area's rules than its own is refused with :class:`AreaMismatchError` before
anything is read or written. A store without a registration is the packaged area's
(Espoo–Kauniainen): every store written before release 0.3.0 is, since that release knew no
other, and the packaged area needs no record, so its stores hold exactly the events they held
before.
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from employment_domain.area_rules import AreaDefinition
from employment_domain.errors import EmploymentDomainError

__all__ = ["REGISTRATION_ID", "AreaMismatchError", "AreaRegistration"]

#: The one id of a store's registration.
REGISTRATION_ID = uuid5(NAMESPACE_URL, "urn:employment-domain:area-registration")


class AreaMismatchError(EmploymentDomainError):
    """The store was written under another employment area's rules than the ones given."""


class AreaRegistration(Aggregate):
    """Which area's rules a store is written under: the area's id, name and responsible
    municipality, as its ``area.yaml`` said at the first write."""

    @event("Registered")
    def __init__(
        self, id: UUID, area_id: str, area_name: str, responsible_municipality: str
    ) -> None:
        self.area_id = area_id
        self.area_name = area_name
        self.responsible_municipality = responsible_municipality

    @classmethod
    def of(cls, area: AreaDefinition) -> AreaRegistration:
        """The registration of ``area``."""
        return cls(
            id=REGISTRATION_ID,
            area_id=area.id,
            area_name=area.name("en"),
            responsible_municipality=area.responsible_municipality.code,
        )


def mismatch(store: str, written_under: str, given: AreaDefinition) -> AreaMismatchError:
    """The error for a store written under ``written_under`` opened with ``given``'s rules."""
    return AreaMismatchError(
        f"the store {store!r} was written under the rules of the employment area"
        f" {written_under!r}, not {given.id!r}; open it with that area's rules folder"
        " (--rules DIR or EMPLOYMENT_AREA_RULES)"
    )
