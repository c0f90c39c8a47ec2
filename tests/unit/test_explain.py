"""Explanations: the deciding rule, its reference, the facts it tested, why no rule ahead won."""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
import pytest

from employment_domain.routing.conditions import All, AnyOf, FactTest, Not
from employment_domain.routing.engine import ReferenceEngine
from employment_domain.routing.explain import explain, failures
from employment_domain.routing.rulebook import RoutingError, default_rulebook

ON = date(2025, 9, 1)
FACTS: dict[str, Any] = {
    "service_type": "work_try_out",
    "is_statutory_authority_task": False,
    "age": 50,
    "young": False,
    "foreign_language": True,
    "highly_educated": False,
    "long_term_unemployed": True,
    "integration_phase": False,
    "partially_able_to_work": False,
    "needs_multi_agency_service": False,
    "municipality": "049",
    "district": "espoonlahti",
    "in_house_capacity_left": False,
    "purchase_contract_available": True,
    "purchase_contract_id": "PROC-2025-031",
    "entity_contract_available": False,
    "partner_agreement": "none",
}


def a_decision(**changes: Any) -> Any:
    return ReferenceEngine().decide(default_rulebook(), {**FACTS, **changes}, on=ON)


def test_the_explanation_names_the_rule_its_reference_and_the_facts_it_tested() -> None:
    explanation = explain(a_decision(), default_rulebook())
    assert explanation.rule_id == "training_purchased"
    assert "ostopalveluina" in explanation.reference
    assert explanation.tested_facts == {
        "is_statutory_authority_task": False,
        "service_type": "work_try_out",
        "purchase_contract_available": True,
    }
    assert explanation.source_file == "partners_and_purchases.yaml"
    assert explanation.reproduced


def test_every_rule_ahead_is_listed_with_why_it_did_not_match() -> None:
    explanation = explain(a_decision(), default_rulebook())
    ahead = {check.rule_id: check.reasons for check in explanation.rules_ahead}
    assert list(ahead) == [
        "statutory_authority_tasks_in_house",
        "employer_services_in_business_espoo",
        "multi_agency_clients_served_jointly",
        "young_people_served_with_ohjaamo",
        "integration_phase_clients_in_integration_services",
        "job_placement_in_house",
        "training_from_omnia",
        "training_with_a_partner_city",
    ]
    assert ahead["training_with_a_partner_city"] == (
        "partner_agreement is none, the rule needs partner_agreement is one of helsinki, vantaa",
    )
    assert ahead["statutory_authority_tasks_in_house"] == (
        "is_statutory_authority_task is false, the rule needs is_statutory_authority_task is true",
    )
    assert not any(check.matched for check in explanation.rules_ahead)


def test_the_text_reads_as_an_explanation_to_a_client_or_an_auditor() -> None:
    text = explain(a_decision(), default_rulebook()).text()
    assert text.startswith("Route purchased (Purchased service) on 2025-09-01, decided by rule")
    assert "Procured: work_try_out under PROC-2025-031." in text
    assert "Rule training_from_omnia (priority 650) did not apply: service_type is work" in text
    assert default_rulebook().version in text


def test_a_decision_with_altered_facts_is_flagged_as_not_reproduced() -> None:
    decision = a_decision()
    altered = attrs.evolve(decision, facts={**decision.facts, "partner_agreement": "vantaa"})
    explanation = explain(altered, default_rulebook())
    assert not explanation.reproduced
    assert [c.rule_id for c in explanation.rules_ahead if c.matched] == [
        "training_with_a_partner_city"
    ]
    assert "WARNING" in explanation.text()


def test_a_decision_without_its_business_date_cannot_be_explained() -> None:
    with pytest.raises(RoutingError, match="business date"):
        explain(attrs.evolve(a_decision(), decided_on=None), default_rulebook())


def test_a_decision_is_explained_only_by_the_rulebook_version_it_records() -> None:
    with pytest.raises(RoutingError, match="made under rulebook abc"):
        explain(attrs.evolve(a_decision(), rulebook_version="abc"), default_rulebook())


def test_failures_explain_alternatives_and_negations() -> None:
    facts = {"age": 40, "young": False, "district": "tapiola"}
    either = AnyOf((FactTest("age", "lt", 30), FactTest("young", "eq", True)))
    assert failures(either, facts) == [
        "none of its alternatives holds: age is 40, the rule needs age is less than 30;"
        " or young is false, the rule needs young is true"
    ]
    assert failures(Not(FactTest("district", "eq", "tapiola")), facts) == [
        "the rule excludes district is tapiola"
    ]
    assert failures(All((FactTest("age", "ge", 18), either)), {**facts, "age": 20}) == []
