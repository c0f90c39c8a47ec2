"""Commands and queries about procurements of purchased services: load, call one method, save."""

from __future__ import annotations

from employment_domain.service import AreaService

__all__ = ["ProcurementCommands"]


class ProcurementCommands(AreaService):
    """The purchased-service procurements side of the employment area."""
