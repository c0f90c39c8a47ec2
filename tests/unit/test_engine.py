"""The engines: hit policy, named errors, and durable_rules kept to what it can do safely."""

from __future__ import annotations

import shutil
import sys
import threading
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from employment_domain.decisions import Route
from employment_domain.routing.engine import (
    DURABLE_RULES_AVAILABLE,
    DurableRulesEngine,
    NoRuleMatchedError,
    ReferenceEngine,
    RoutingEngine,
    RuleEngineError,
    make_engine,
)
from employment_domain.routing.rulebook import (
    RoutingError,
    RoutingFactsError,
    Rulebook,
    default_rulebook,
)
from tests.routing_examples import COACHING_CLIENT_FACTS

PACKAGED = Path(str(resources.files("employment_domain.rules").joinpath("routing")))
ON = date(2025, 6, 2)
FACTS = COACHING_CLIENT_FACTS

needs_durable_rules = pytest.mark.skipif(
    not DURABLE_RULES_AVAILABLE,
    reason=f"durable_rules cannot be imported on Python {sys.version_info[:2]}",
)
ENGINES = [
    pytest.param("reference"),
    pytest.param("durable_rules", marks=needs_durable_rules),
]


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> RoutingEngine:
    return make_engine(request.param)


TIES = """
rules:
  - id: b_in_house
    description: Ties with a_in_house.
    reference: r
    valid_from: 2025-01-01
    priority: 5
    when: {service_type: coaching}
    then: {route: in_house, unit: B}
  - id: a_in_house
    description: Ties with b_in_house and wins by its smaller id.
    reference: r
    valid_from: 2025-01-01
    priority: 5
    when: {service_type: coaching}
    then: {route: in_house, unit: A}
  - id: high
    description: Beats both, for the young, in 2025 only.
    reference: r
    valid_from: 2025-01-01
    valid_until: 2025-12-31
    priority: 9
    when:
      all:
        - is_statutory_authority_task: false
        - young: true
        - not: {any: [{age: {lt: 18}}, {district: {in: [unknown, kauniainen]}}]}
    then: {route: ohjaamo, unit: H}
"""


@pytest.fixture(scope="module")
def ties(tmp_path_factory: pytest.TempPathFactory) -> Rulebook:
    folder = tmp_path_factory.mktemp("ties")
    for part in ("facts.yaml", "districts.yaml"):
        shutil.copy(PACKAGED / part, folder / part)
    (folder / "rules.yaml").write_text(TIES, encoding="utf-8")
    return Rulebook.load(folder)


def test_the_highest_priority_wins(engine: RoutingEngine, ties: Rulebook) -> None:
    decision = engine.decide(ties, {**FACTS, "young": True, "age": 20}, on=ON)
    assert (decision.rule_id, decision.route, decision.unit) == ("high", Route.NETWORK, "H")


def test_a_tie_in_priority_goes_to_the_smaller_rule_id(
    engine: RoutingEngine, ties: Rulebook
) -> None:
    assert engine.decide(ties, FACTS, on=ON).rule_id == "a_in_house"


def test_a_rule_is_in_force_on_its_last_day_and_not_after(
    engine: RoutingEngine, ties: Rulebook
) -> None:
    young = {**FACTS, "young": True, "age": 20}
    assert engine.decide(ties, young, on=date(2025, 12, 31)).rule_id == "high"
    assert engine.decide(ties, young, on=date(2026, 1, 1)).rule_id == "a_in_house"


def test_negated_alternatives_are_honoured(engine: RoutingEngine, ties: Rulebook) -> None:
    minor = {**FACTS, "young": True, "age": 17}
    assert engine.decide(ties, minor, on=ON).rule_id == "a_in_house"
    remote = {**FACTS, "young": True, "age": 20, "district": "unknown"}
    assert engine.decide(ties, remote, on=ON).rule_id == "a_in_house"


def test_no_matching_rule_is_a_named_error_naming_the_date_and_facts(
    engine: RoutingEngine, ties: Rulebook
) -> None:
    with pytest.raises(NoRuleMatchedError, match=r"2025-06-02 matches service_type='job_pl"):
        engine.decide(ties, {**FACTS, "service_type": "job_placement"}, on=ON)


def test_a_date_before_any_rule_is_a_named_error_naming_the_first_day(
    engine: RoutingEngine,
) -> None:
    with pytest.raises(NoRuleMatchedError, match=r"in force on 2024-12-31.*starts on 2025-01-01"):
        engine.decide(default_rulebook(), FACTS, on=date(2024, 12, 31))


@pytest.mark.parametrize("on", ["2025-06-02", None, 20250602])
def test_a_decision_needs_a_business_date(engine: RoutingEngine, on: Any) -> None:
    with pytest.raises(RoutingError, match="business date"):
        engine.decide(default_rulebook(), FACTS, on=on)


def test_a_wall_clock_datetime_is_not_a_business_date(engine: RoutingEngine) -> None:
    from datetime import datetime

    with pytest.raises(RoutingError, match="business date"):
        engine.decide(default_rulebook(), FACTS, on=datetime(2025, 6, 2, 12))


def test_invalid_facts_are_refused_before_any_rule_runs(engine: RoutingEngine) -> None:
    with pytest.raises(RoutingFactsError, match="missing fact age"):
        engine.decide(default_rulebook(), {k: v for k, v in FACTS.items() if k != "age"}, on=ON)


def test_the_decision_records_the_normalised_facts_the_version_and_the_date(
    engine: RoutingEngine,
) -> None:
    decision = engine.decide(default_rulebook(), FACTS, on=ON)
    assert decision.facts == default_rulebook().normalise_facts(FACTS)
    assert decision.facts["line"] == "rail"
    assert decision.rulebook_version == default_rulebook().version
    assert decision.decided_on == ON


def test_make_engine_knows_both_engines_and_refuses_others() -> None:
    assert isinstance(make_engine("reference"), ReferenceEngine)
    with pytest.raises(RuleEngineError, match="unknown rules engine 'drools'"):
        make_engine("drools")


def test_the_environment_variable_chooses_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMPLOYMENT_DOMAIN_RULES_ENGINE", "reference")
    assert isinstance(make_engine(), ReferenceEngine)


@needs_durable_rules
def test_durable_rules_is_the_default_where_it_can_be_imported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("EMPLOYMENT_DOMAIN_RULES_ENGINE", raising=False)
    assert isinstance(make_engine(), DurableRulesEngine)


@needs_durable_rules
def test_an_exception_inside_a_durable_rules_action_reaches_the_caller() -> None:
    def explode(c: Any) -> None:
        raise ValueError("the action failed")

    DurableRulesEngine.register(
        {
            "test_exploding": {
                "boom": {"pri": 1, "all": [{"m": {"kind": "boom"}}], "run": explode},
                "other": {"pri": 2, "all": [{"m": {"$ex": {"kind": 1}}}], "run": "other"},
            }
        }
    )
    with pytest.raises(RuleEngineError, match="the action failed"):
        DurableRulesEngine.post_event("test_exploding", {"kind": "boom"})
    assert DurableRulesEngine.post_event("test_exploding", {"kind": "calm"}) == "other"


@needs_durable_rules
def test_a_message_no_durable_rule_handles_is_refused_without_touching_its_session() -> None:
    DurableRulesEngine.register(
        {"test_partial": {"r": {"all": [{"m": {"kind": "known"}}], "run": "known"}}}
    )
    assert DurableRulesEngine.post_event("test_partial", {"kind": "known"}) == "known"
    with pytest.raises(RuleEngineError, match="needs a catch-all rule"):
        DurableRulesEngine.post_event("test_partial", {"kind": "unknown"})


@needs_durable_rules
def test_a_ruleset_durable_rules_does_not_know_is_a_named_engine_error() -> None:
    with pytest.raises(RuleEngineError, match="Ruleset with name no_such_ruleset not found"):
        DurableRulesEngine.post_event("no_such_ruleset", {"kind": "any"})


@needs_durable_rules
def test_routing_decisions_share_one_standing_session_that_holds_nothing_between_them() -> None:
    from employment_domain.routing import engine as module

    engine = DurableRulesEngine()
    rulebook = default_rulebook()
    first = engine.decide(rulebook, FACTS, on=ON)
    second = engine.decide(rulebook, {**FACTS, "service_type": "employer_services"}, on=ON)
    assert first.rule_id != second.rule_id
    ruleset = module._compiled(rulebook).name
    host = module._shared_host()
    assert host.get_pending_events(ruleset, module._STANDING_SID) == []
    assert host.get_facts(ruleset, module._STANDING_SID) == []
    state = host.get_state(ruleset, module._STANDING_SID)
    assert state[module._SEQ] == next(module._POSTS) - 1


@needs_durable_rules
def test_a_standing_session_whose_state_does_not_show_the_post_is_dropped_with_an_error() -> None:
    from employment_domain.routing import engine as module

    def forgetful(c: Any) -> None:
        c.s.fired = "0"  # records a label but not the post's sequence number

    DurableRulesEngine.register(
        {"test_forgetful": {"any": {"all": [{"m": {"$ex": {"kind": 1}}}], "run": forgetful}}}
    )
    with pytest.raises(RuleEngineError, match="recorded no action for post"):
        module._post_to_standing_session("test_forgetful", {"kind": "calm"})
    with pytest.raises(Exception, match="309"):
        module._shared_host().get_state("test_forgetful", module._STANDING_SID)


def _rss_mib() -> float:
    import os

    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@needs_durable_rules
@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs Linux /proc")
def test_a_hundred_thousand_decisions_keep_memory_flat_and_stay_under_the_session_limit() -> None:
    engine = DurableRulesEngine()
    rulebook = default_rulebook()
    facts = rulebook.normalise_facts(FACTS)
    variants = [
        {**facts, "service_type": service_type, "in_house_capacity_left": capacity}
        for service_type in ("coaching", "job_placement", "work_try_out", "employer_services")
        for capacity in (True, False)
    ]
    expected = [ReferenceEngine().winner(rulebook, v, ON).id for v in variants]
    for index in range(10_000):  # warm-up: every ruleset, cache and allocator pool in place
        engine.winner(rulebook, variants[index % 8], ON)
    before = _rss_mib()
    for index in range(90_000):
        assert engine.winner(rulebook, variants[index % 8], ON).id == expected[index % 8]
    growth = _rss_mib() - before
    assert growth < 8, f"RSS grew by {growth:.1f} MiB over 90,000 decisions"


@needs_durable_rules
def test_two_threads_deciding_at_once_each_get_their_own_decision() -> None:
    engine = DurableRulesEngine()
    rulebook = default_rulebook()
    cases = {
        "coaching": {**FACTS, "young": True, "age": 20},
        "job_placement": {**FACTS, "service_type": "job_placement", "district": "tapiola"},
    }
    expected = {
        name: ReferenceEngine().decide(rulebook, facts, on=ON) for name, facts in cases.items()
    }
    wrong: list[str] = []
    start = threading.Barrier(2)

    def decide_many(name: str) -> None:
        start.wait()
        for _ in range(3_000):
            if engine.decide(rulebook, cases[name], on=ON) != expected[name]:
                wrong.append(name)

    threads = [threading.Thread(target=decide_many, args=(name,)) for name in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []
    assert expected["coaching"].route == Route.NETWORK
    assert expected["job_placement"].unit == "Matinkylä office (Iso Omena)"
