"""Commands and queries about jobseekers: load the client, call one method, save."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

from employment_domain.clients import Client
from employment_domain.service import AreaService
from employment_domain.values import MunicipalityCode

__all__ = ["ClientCommands"]


class ClientCommands(AreaService):
    """The jobseeker side of the employment area."""

    def start_job_search(
        self,
        *,
        on: date,
        municipality: MunicipalityCode | str,
        birth_date: date,
        client_id: UUID | None = None,
    ) -> UUID:
        """Register a jobseeker whose job search starts on ``on``; returns the client's id.

        ``client_id`` lets an integrating system keep the id it already has; by default a fresh
        random UUID is used.
        """
        if not isinstance(municipality, MunicipalityCode):
            municipality = MunicipalityCode.parse(municipality)
        client = Client.start_job_search(
            client_id or uuid4(), on=on, municipality=municipality, birth_date=birth_date
        )
        self.save(client)
        return client.id

    def get_client(self, client_id: UUID) -> Client:
        """The client aggregate itself, for systems that read its attributes directly."""
        return self.load(Client, client_id)

    def client_state(self, client_id: UUID) -> dict[str, Any]:
        """The client's current state as plain data (no personal identity code, no name)."""
        client = self.get_client(client_id)
        return {
            "id": str(client.id),
            "version": client.version,
            "job_search_started_on": client.job_search_started_on.isoformat(),
            "municipality": client.municipality.code,
            "birth_date": client.birth_date.isoformat(),
        }
