"""Commands and queries about employers: load the aggregate, call one method, save."""

from __future__ import annotations

from employment_domain.service import AreaService

__all__ = ["EmployerCommands"]


class EmployerCommands(AreaService):
    """The employers side of the employment area."""
