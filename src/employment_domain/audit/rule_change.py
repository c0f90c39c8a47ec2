"""What a rule change would change: every recorded decision re-run under the new rulebook.

Before a changed rulebook goes into force, the area and its auditors see which recorded
decisions it would route otherwise, decision by decision (client, referral, date, old and new
route), grouped by service type and route, and what it would do to purchased services: seats
taken or freed on each contract and their euros at the contract's unit price. Nothing is
written; the decisions are re-run as they were recorded, on their own business dates and facts.
"""

from __future__ import annotations

from collections import Counter
from typing import Any
from uuid import UUID

import attrs

from employment_domain.audit.recorded_decisions import recorded_decisions
from employment_domain.decisions import Route
from employment_domain.errors import NotFoundError
from employment_domain.money import Money
from employment_domain.routing.engine import RoutingEngine, make_engine
from employment_domain.routing.rulebook import RoutingError, Rulebook

__all__ = ["COMPARED", "ChangedDecision", "RuleChangeImpact", "rule_change_impact"]

#: The parts of a decision whose change counts as a changed decision.
COMPARED = ("route", "unit", "rule_id", "service_type", "procurement_id")


@attrs.frozen
class ChangedDecision:
    """One recorded decision that the new rulebook would make otherwise."""

    position: int
    client_id: UUID
    referral_id: UUID
    decided_on: str | None
    service_type: str | None
    rule_id: str
    route: str
    procurement_id: str | None
    new_rule_id: str
    new_route: str
    new_procurement_id: str | None
    euros: Money

    def as_row(self) -> dict[str, Any]:
        """The change as a plain row (ids as text, euros as exact text)."""
        row = attrs.asdict(self)
        row["client_id"], row["referral_id"] = str(self.client_id), str(self.referral_id)
        row["euros"] = str(self.euros.amount)
        return row


@attrs.frozen
class RuleChangeImpact:
    """Every changed decision, the breakdown by service type and route, and the purchases."""

    total: int
    changed: tuple[ChangedDecision, ...]
    other_versions: dict[str, int]

    def breakdown(self) -> list[dict[str, Any]]:
        """Changed decisions counted by service type, old route and new route."""
        counts: Counter[tuple[str, str, str]] = Counter(
            (change.service_type or "", change.route, change.new_route) for change in self.changed
        )
        return [
            {"service_type": service, "route": old, "new_route": new, "decisions": count}
            for (service, old, new), count in sorted(counts.items())
        ]

    @property
    def seats_change(self) -> int:
        """Purchased seats the change would take (positive) or free (negative)."""
        return sum(_seats(c.new_route) - _seats(c.route) for c in self.changed)

    @property
    def euros_change(self) -> Money:
        """The purchased seats' change in euros at the contracts' unit prices."""
        return sum((change.euros for change in self.changed), Money.zero())

    def as_data(self) -> dict[str, Any]:
        """The whole impact as plain data, for JSON."""
        return {
            "decisions_recorded": self.total,
            "decisions_changed": len(self.changed),
            "changed": [change.as_row() for change in self.changed],
            "by_service_type_and_route": self.breakdown(),
            "purchased_seats_change": self.seats_change,
            "purchased_euros_change": str(self.euros_change.amount),
            "decisions_under_other_rulebooks": self.other_versions,
        }


def rule_change_impact(
    area: Any, old: Rulebook, new: Rulebook, engine: RoutingEngine | None = None
) -> RuleChangeImpact:
    """Re-run every decision recorded in ``area`` under ``new``; ``old`` is the rulebook in
    force, whose version the decisions are expected to carry (others are counted apart)."""
    engine = engine if engine is not None else make_engine()
    prices: dict[str, Money] = {}
    changed, others, total = [], Counter[str](), 0
    for recorded in recorded_decisions(area):
        decision = recorded.decision
        total += 1
        if decision.rulebook_version != old.version:
            others[decision.rulebook_version] += 1
        if decision.decided_on is None:  # cannot be re-run: listed, never silently dropped
            new_rule, new_route, new_procurement = "(no business date)", "", None
        else:
            try:
                facts = new.in_its_names(decision.facts)
                rerun = engine.decide(new, facts, on=decision.decided_on)
            except RoutingError as error:
                new_rule, new_route = f"(refused: {type(error).__name__})", ""
                new_procurement = None
            else:
                if all(getattr(decision, name) == getattr(rerun, name) for name in COMPARED):
                    continue
                new_rule, new_route = rerun.rule_id, rerun.route.value
                new_procurement = rerun.procurement_id
        euros = _price(area, new_procurement, prices) if new_route == Route.PURCHASED else None
        if decision.route == Route.PURCHASED:
            old_price = _price(area, decision.procurement_id, prices)
            euros = (euros or Money.zero()) - old_price
        changed.append(
            ChangedDecision(
                position=recorded.position,
                client_id=recorded.client_id,
                referral_id=recorded.referral_id,
                decided_on=None if decision.decided_on is None else decision.decided_on.isoformat(),
                service_type=decision.service_type,
                rule_id=decision.rule_id,
                route=decision.route.value,
                procurement_id=decision.procurement_id,
                new_rule_id=new_rule,
                new_route=new_route,
                new_procurement_id=new_procurement,
                euros=euros if euros is not None else Money.zero(),
            )
        )
    return RuleChangeImpact(total, tuple(changed), dict(others))


def _seats(route: str) -> int:
    return 1 if route == Route.PURCHASED.value else 0


def _price(area: Any, procurement_id: str | None, prices: dict[str, Money]) -> Money:
    """The unit price of a contract (one seat); zero when the decision names none."""
    if not procurement_id:
        return Money.zero()
    if procurement_id not in prices:
        try:
            procurement = area.get_procurement(UUID(procurement_id))
        except (NotFoundError, ValueError):
            prices[procurement_id] = Money.zero()
        else:
            price = procurement.unit_price
            prices[procurement_id] = price if price is not None else Money.zero()
    return prices[procurement_id]
