"""Decisions: the public constructor checks, and the rulebook's unchecked one builds the same."""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
import pytest

from employment_domain.decisions import Decision, DecisionError, Route, trusted_decision
from employment_domain.routing.engine import ReferenceEngine
from employment_domain.routing.rulebook import RoutingError, Rulebook, default_rulebook
from tests.routing_examples import COACHING_CLIENT_FACTS

ON = date(2025, 6, 2)
FIELDS: dict[str, Any] = {
    "route": Route.PURCHASED,
    "unit": "Purchased service",
    "rule_id": "training_purchased",
    "rulebook_version": "abc123",
    "facts": {"service_type": "coaching"},
    "service_type": "coaching",
    "procurement_id": "P-1",
    "decided_on": ON,
}
ROUTES = "in_house, integration, joint, network, in_house_entity, partner, purchased"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"route": "teleport"}, f"unknown route 'teleport'; the routes are {ROUTES}"),
        ({"route": 3}, "unknown route 3; the routes are"),
        ({"unit": " "}, "a decision needs a non-empty unit: ' '"),
        ({"rule_id": None}, "a decision needs a non-empty rule_id: None"),
        ({"rulebook_version": ""}, "a decision needs a non-empty rulebook_version: ''"),
    ],
)
def test_the_public_constructor_refuses_an_incomplete_decision(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(DecisionError, match=message.replace("(", r"\(")):
        Decision(**{**FIELDS, **changes})
    stored = Decision(**FIELDS).to_dict()
    stored.update({key: value for key, value in changes.items() if key != "decided_on"})
    with pytest.raises(DecisionError):
        Decision.from_dict(stored)


def test_a_route_given_as_text_becomes_the_route() -> None:
    assert Decision(**{**FIELDS, "route": "purchased"}).route is Route.PURCHASED


def test_the_trusted_constructor_builds_what_the_public_one_builds() -> None:
    trusted = trusted_decision(*FIELDS.values())
    public = Decision(**FIELDS)
    assert trusted == public
    assert attrs.asdict(trusted) == attrs.asdict(public)
    assert trusted.to_dict() == public.to_dict()
    assert Decision.from_dict(trusted.to_dict()) == public
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        trusted.unit = "elsewhere"  # type: ignore[misc]


def test_every_rule_decides_as_the_checking_constructor_would() -> None:
    rulebook = default_rulebook()
    contracts = {
        "partner_agreement": "vantaa",
        "entity_contract_available": True,
        "entity_contract_id": "O-1",
        "purchase_contract_available": True,
        "purchase_contract_id": "P-1",
    }
    facts = rulebook.normalise_facts({**COACHING_CLIENT_FACTS, **contracts})
    for rule in rulebook.rules:
        for line in ("metro", "rail", "unknown"):
            seen = {**facts, "line": line}
            fast = rulebook.decision(rule, seen, ON)
            assert fast == rulebook._checked_decision(rule, seen, ON)
            assert fast.facts is seen
            assert type(fast.route) is Route


def _with_outcomes(rulebook: Rulebook, **changes: Any) -> Rulebook:
    """The rulebook with every rule's outcome changed as given (no loader checks)."""
    rules = [
        attrs.evolve(rule, outcome=attrs.evolve(rule.outcome, **changes)) for rule in rulebook.rules
    ]
    return Rulebook(rulebook.facts, list(rulebook.written_constraints), rulebook.districts, rules)


def test_a_blank_unit_in_a_hand_built_rulebook_is_still_refused_when_deciding() -> None:
    rulebook = _with_outcomes(default_rulebook(), unit=" ", unit_from=None)
    facts = {**COACHING_CLIENT_FACTS}
    with pytest.raises(DecisionError, match="a decision needs a non-empty unit: ' '"):
        ReferenceEngine().decide(rulebook, facts, on=ON)


def test_a_unit_the_catalogue_does_not_name_is_still_a_routing_error() -> None:
    packaged = default_rulebook()
    facts = dict(packaged.facts)
    facts["line"] = attrs.evolve(facts["line"], units={"metro": "Matinkylä office"})
    rulebook = Rulebook(
        facts, list(packaged.written_constraints), packaged.districts, list(packaged.rules)
    )
    engine = ReferenceEngine()
    client = {**COACHING_CLIENT_FACTS, "service_type": "job_placement"}
    with pytest.raises(RoutingError, match="job_placement_in_house has no unit for line 'rail'"):
        engine.decide(rulebook, client, on=ON)
    assert engine.decide(rulebook, {**client, "district": "matinkyla"}, on=ON).unit == (
        "Matinkylä office"
    )


@pytest.mark.parametrize(
    ("legacy", "route"),
    [
        ("ohjaamo", Route.NETWORK),
        ("business_espoo", Route.NETWORK),
        ("multi_agency", Route.JOINT),
        ("omnia", Route.IN_HOUSE_ENTITY),
        ("partner_city", Route.PARTNER),
    ],
)
def test_a_decision_stored_under_a_release_0_1_0_route_reads_as_its_generic_route(
    legacy: str, route: Route
) -> None:
    stored = Decision(**FIELDS).to_dict() | {"route": legacy}
    assert Decision.from_dict(stored).route is route
    assert Decision.from_dict(stored).to_dict()["route"] == route.value
