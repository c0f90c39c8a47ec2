"""Commands and queries about routing decisions: load the aggregate, call one method, save."""

from __future__ import annotations

from employment_domain.service import AreaService

__all__ = ["RoutingCommands"]


class RoutingCommands(AreaService):
    """The routing decisions side of the employment area."""
