"""Routing inside EmploymentArea on every store: facts from the client, decisions recorded with
the referral, rulebook versions archived, and old decisions verified after the rules change."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import attrs
import pytest

from employment_domain import EmploymentArea, EmploymentDomainError, NotFoundError
from employment_domain.commands.routing import RoutingCapacity
from employment_domain.decisions import Route
from employment_domain.routing.archive import (
    RulebookVersion,
    RulebookVersionNotFoundError,
    archive_id,
)
from employment_domain.routing.engine import ReferenceEngine
from employment_domain.routing.rulebook import RoutingFactsError, Rulebook, default_rulebook
from employment_domain.store.service import application_of
from tests.routing_examples import COACHING_CLIENT_FACTS

START = date(2025, 3, 3)
PACKAGED = Path(str(resources.files("employment_domain.rules").joinpath("routing")))


def a_client(area: EmploymentArea, **facts: Any) -> UUID:
    """A 40-year-old jobseeker in Espoo's Leppävaara district, with ``facts`` changed."""
    arguments: dict[str, Any] = {
        "municipality": "049",
        "birth_date": date(1985, 4, 2),
        "district": "Leppävaara",
        "mother_tongue": "fi",
        **facts,
    }
    return area.start_job_search(on=START, **arguments)


@contextmanager
def records_nothing(area: EmploymentArea) -> Iterator[None]:
    before = area.head_position()
    yield
    assert area.head_position() == before


def a_changed_rulebook(tmp_path: Path) -> Rulebook:
    """The packaged rules with Ohjaamo given a higher priority than multi-agency service."""
    folder = tmp_path / "changed"
    shutil.copytree(PACKAGED, folder)
    rules = folder / "target_groups.yaml"
    rules.write_text(
        rules.read_text(encoding="utf-8").replace("priority: 800", "priority: 860"),
        encoding="utf-8",
    )
    return Rulebook.load(folder)


def test_a_referral_records_the_decision_and_archives_the_rulebook_version(store: str) -> None:
    area = EmploymentArea(store)
    client_id = a_client(area)
    referral_id = uuid4()
    decision = area.refer_with_routing(
        client_id,
        on=date(2025, 4, 7),
        service_type="labour_market_training",
        capacity=RoutingCapacity(purchase_contract_id="PROC-2025-042"),
        referral_id=referral_id,
    )
    assert (decision.route, decision.procurement_id) == (Route.PURCHASED, "PROC-2025-042")
    assert decision.facts["age"] == 40 and decision.facts["line"] == "rail"
    reopened = EmploymentArea(store) if store != ":memory:" else area
    assert reopened.get_client(client_id).referrals[referral_id].decision == decision
    archived = application_of(reopened).load(RulebookVersion, archive_id(decision.rulebook_version))
    assert archived.canonical_text == default_rulebook().canonical_text
    assert archived.first_decided_on == date(2025, 4, 7)
    assert reopened.verify_decision(decision).holds


def test_the_rulebook_version_is_archived_once(store: str) -> None:
    area = EmploymentArea(store)
    client_id = a_client(area)
    area.refer_with_routing(client_id, on=START, service_type="coaching")
    after_first = area.head_position()
    area.refer_with_routing(client_id, on=START, service_type="job_placement")
    assert area.head_position() == after_first + 1  # the referral only


def test_facts_come_from_the_client_at_the_business_date() -> None:
    area = EmploymentArea(":memory:")
    young = a_client(area, birth_date=date(1996, 6, 1), district="Olari")
    on_29th_birthday = date(2025, 6, 1)
    assert area.route(young, on=on_29th_birthday, service_type="coaching").route == Route.NETWORK
    after_30th = area.route(young, on=date(2026, 6, 1), service_type="coaching")
    assert (after_30th.route, after_30th.unit) == (Route.IN_HOUSE, "Matinkylä office (Iso Omena)")


def test_a_kauniainen_client_without_a_district_is_served_at_leppavaara() -> None:
    area = EmploymentArea(":memory:")
    client_id = a_client(area, municipality="235", district="unknown")
    decision = area.route(client_id, on=START, service_type="initial_interview")
    assert decision.facts["district"] == "kauniainen"
    assert decision.facts["is_statutory_authority_task"] is True
    assert (decision.route, decision.unit) == (Route.IN_HOUSE, "Leppävaara office (Sello)")


def test_multi_agency_need_recorded_on_the_client_routes_guidance_jointly() -> None:
    area = EmploymentArea(":memory:")
    client_id = a_client(area, needs_multi_agency_service=True)
    decision = area.route(client_id, on=START, service_type="expert_assessment")
    assert decision.route == Route.JOINT


def test_an_authority_task_cannot_be_declared_a_purchase() -> None:
    area = EmploymentArea(":memory:")
    client_id = a_client(area)
    decision = area.route(
        client_id,
        on=START,
        service_type="information_advice",
        authority_task=True,
        capacity=RoutingCapacity(in_house_capacity_left=False, purchase_contract_id="P-1"),
    )
    assert decision.route == Route.IN_HOUSE


def test_an_unknown_district_is_refused_and_nothing_is_recorded() -> None:
    area = EmploymentArea(":memory:")
    client_id = a_client(area, district="Atlantis")
    with records_nothing(area), pytest.raises(RoutingFactsError, match="Atlantis"):
        area.refer_with_routing(client_id, on=START, service_type="coaching")


def test_a_refused_referral_records_neither_the_referral_nor_the_archive(store: str) -> None:
    area = EmploymentArea(store)
    client_id = a_client(area)
    area.end_job_search(client_id, on=date(2025, 3, 10), reason="employed")
    with records_nothing(area), pytest.raises(EmploymentDomainError):
        area.refer_with_routing(client_id, on=date(2025, 3, 11), service_type="coaching")
    with pytest.raises(NotFoundError):
        application_of(area).load(RulebookVersion, archive_id(default_rulebook().version))


def test_old_decisions_are_verified_under_their_archived_rules_after_the_rules_change(
    durable_store: str, tmp_path: Path
) -> None:
    before = EmploymentArea(durable_store)
    client_id = a_client(before, birth_date=date(2000, 1, 1), needs_multi_agency_service=True)
    old = before.refer_with_routing(client_id, on=START, service_type="coaching")
    assert old.route == Route.JOINT
    after = EmploymentArea(durable_store, rulebook=a_changed_rulebook(tmp_path))
    new = after.route(client_id, on=START, service_type="coaching")
    assert new.route == Route.NETWORK and new.rulebook_version != old.rulebook_version
    check = after.verify_decision(old)
    assert check.holds and check.rerun == old
    explanation = after.explain_decision(old)
    assert explanation.rule_id == "multi_agency_clients_served_jointly"
    assert explanation.reproduced
    referral = next(iter(after.get_client(client_id).referrals.values()))
    assert referral.decision == old  # replaying the client never re-ran the rules


def test_a_decision_that_does_not_follow_from_its_facts_fails_verification() -> None:
    area = EmploymentArea(":memory:")
    decision = area.route(a_client(area), on=START, service_type="coaching")
    forged = attrs.evolve(decision, route=Route.PURCHASED, unit="Someone else")
    check = area.verify_decision(forged)
    assert not check.holds
    assert check.differences == (
        "route: recorded <Route.PURCHASED: 'purchased'>, re-run gives <Route.IN_HOUSE: 'in_house'>",
        "unit: recorded 'Someone else', re-run gives 'Leppävaara office (Sello)'",
    )
    moved = attrs.evolve(decision, decided_on=date(2024, 12, 1))
    assert "re-running it fails" in area.verify_decision(moved).differences[0]


def test_a_decision_under_an_unknown_rulebook_version_cannot_be_verified() -> None:
    area = EmploymentArea(":memory:")
    decision = area.route(a_client(area), on=START, service_type="coaching")
    with pytest.raises(RulebookVersionNotFoundError, match="0000"):
        area.verify_decision(attrs.evolve(decision, rulebook_version="0000"))


def test_decisions_from_outside_a_client_use_the_same_rules(store: str) -> None:
    area = EmploymentArea(store, routing_engine=ReferenceEngine())
    facts = default_rulebook().normalise_facts(
        {**COACHING_CLIENT_FACTS, "service_type": "employer_services", "district": "unknown"}
    )
    decision = area.decide_route(facts, on=START)
    assert decision.route == Route.NETWORK
    assert area.verify_decision(decision)
    assert decision.facts == facts
