"""Commands and queries about municipal cost ledgers: load the aggregate, call one method, save."""

from __future__ import annotations

from employment_domain.service import AreaService

__all__ = ["LedgerCommands"]


class LedgerCommands(AreaService):
    """The municipal cost ledgers side of the employment area."""
