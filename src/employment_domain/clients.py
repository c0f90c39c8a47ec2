"""The jobseeker (työnhakija) as an event-sourced aggregate: the statutory service process.

A client is identified by a UUID only; personal identity codes and names never go into its events.
Every event carries the business date (``on``) of the act it records.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from employment_domain.errors import EmploymentDomainError
from employment_domain.values import MunicipalityCode

__all__ = ["Client", "ClientError"]


class ClientError(EmploymentDomainError, ValueError):
    """A client command refused: an impossible fact or an impossible sequence of acts."""


def _check_business_date(on: object, what: str) -> date:
    if not isinstance(on, date) or hasattr(on, "hour"):
        raise ClientError(f"{what} needs a business date (datetime.date), got {on!r}")
    return on


class Client(Aggregate):
    """A jobseeker's history with the employment area, from the start of job search."""

    @event("JobSearchStarted")
    def __init__(
        self, id: UUID, on: date, municipality: MunicipalityCode, birth_date: date
    ) -> None:
        self.job_search_started_on = on
        self.municipality = municipality
        self.birth_date = birth_date

    @classmethod
    def start_job_search(
        cls, id: UUID, *, on: date, municipality: MunicipalityCode, birth_date: date
    ) -> Client:
        """Register a new jobseeker; refuses a birth date after the start of job search."""
        _check_business_date(on, "starting a job search")
        _check_business_date(birth_date, "a birth date")
        if not isinstance(municipality, MunicipalityCode):
            raise ClientError(
                f"a municipality of residence is a MunicipalityCode: {municipality!r}"
            )
        if birth_date >= on:
            raise ClientError(
                f"a job search cannot start on {on} for a client born on {birth_date}"
            )
        return cls(id=id, on=on, municipality=municipality, birth_date=birth_date)
