"""Routing decisions per second: durable_rules, the reference evaluator, and a plain if/elif.

    python benchmarks/routing.py            # 20,000 decisions per run, 5 runs after a warm-up
    python benchmarks/routing.py --quick    # 5,000 decisions per run, 3 runs

The same packaged rules are decided three ways over the same random valid facts (fixed seed):
through durable_rules, through the reference evaluator, and by a hand-written if/elif of the same
rules, which is the raw baseline. "decide" is the whole path a command takes (facts checked,
winning rule found, Decision built); "engine only" is the winning rule alone, on facts already
checked. Every figure is the median of several interleaved runs after a discarded warm-up; the
three are first checked to agree on every sample.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Figure, interleaved, print_figure

from employment_domain.routing.engine import (
    DURABLE_RULES_AVAILABLE,
    ReferenceEngine,
    RoutingEngine,
    make_engine,
)
from employment_domain.routing.rulebook import RoutingFactsError, Rulebook, default_rulebook

GUIDANCE = frozenset({"information_advice", "coaching", "expert_assessment", "job_coaching"})
TRAININGS = frozenset(
    {
        "labour_market_training",
        "change_security_training",
        "work_try_out",
        "training_try_out",
        "integration_training",
    }
)
OMNIA_TRAININGS = frozenset({"labour_market_training", "training_try_out", "integration_training"})
FIRST_DAY = date(2025, 1, 1)
#: The issue's absolute target for a whole decision through durable_rules.
DURABLE_FLOOR = 20_000


def if_elif(facts: dict[str, Any], on: date) -> str:
    """The packaged rules (rules/routing/*.yaml, valid from 2025-01-01) written by hand."""
    if on < FIRST_DAY:
        raise LookupError("no rule in force")
    service = facts["service_type"]
    if facts["is_statutory_authority_task"]:
        return "statutory_authority_tasks_in_house"
    if service == "employer_services":
        return "employer_services_in_business_espoo"
    if facts["needs_multi_agency_service"] and service in GUIDANCE:
        return "multi_agency_clients_served_jointly"
    if facts["young"] and service in ("information_advice", "coaching"):
        return "young_people_served_with_ohjaamo"
    if facts["integration_phase"] and service in ("information_advice", "coaching"):
        return "integration_phase_clients_in_integration_services"
    if service == "job_placement":
        return "job_placement_in_house"
    if service in OMNIA_TRAININGS and facts["entity_contract_available"]:
        return "training_from_omnia"
    if service in TRAININGS and facts["partner_agreement"] != "none":
        return "training_with_a_partner_city"
    if service in TRAININGS and facts["purchase_contract_available"]:
        return "training_purchased"
    if service in GUIDANCE:
        if facts["in_house_capacity_left"]:
            return "guidance_in_house_while_capacity_left"
        if facts["partner_agreement"] != "none":
            return "guidance_with_a_partner_city"
        if facts["purchase_contract_available"]:
            return "guidance_purchased"
        return "guidance_in_house_without_a_contract"
    if service == "integration_training":
        return "integration_training_in_integration_services"
    if service in TRAININGS:
        return "training_arranged_by_the_office_without_a_contract"
    raise LookupError("no rule matches")


def bare_posts(rulebook: Rulebook, normalised: list[tuple[dict[str, Any], date]]) -> Any:
    """durable_rules alone: the same messages posted straight to the Host, no lock, no checks.

    What durable_rules itself costs per decision on this machine, so that the wrapper's own
    share can be read off beside it.
    """
    from employment_domain.routing import engine as module

    compiled = module._compiled(rulebook)
    host = module._shared_host()
    messages = []
    for facts, on in normalised:
        message = {key: facts[name] for name, key in compiled.keys}
        message[module._DAY] = on.toordinal()
        message["sid"] = "bare"
        messages.append(message)

    def run() -> int:
        for message in messages:
            host.post(compiled.name, dict(message))
        return len(messages)

    return run


def sample(
    rulebook: Rulebook, count: int, seed: int = 20250101
) -> list[tuple[dict[str, Any], date]]:
    """``count`` valid fact sets of the rulebook's catalogue with dates in force, reproducibly."""
    rng = random.Random(seed)
    cases: list[tuple[dict[str, Any], date]] = []
    while len(cases) < count:
        facts: dict[str, Any] = {}
        for name, definition in rulebook.facts.items():
            if definition.derived_from is not None or definition.type == "text":
                continue
            if definition.type == "bool":
                facts[name] = rng.random() < 0.5
            elif definition.type == "enum":
                facts[name] = rng.choice(definition.values)
            else:
                facts[name] = rng.randint(definition.minimum or 0, definition.maximum or 100)
        district = rulebook.districts[facts["district"]]
        facts["municipality"] = district.municipality or facts["municipality"]
        for name, definition in rulebook.facts.items():
            if definition.required_when is not None:
                facts[name] = f"PROC-{len(cases)}" if facts[definition.required_when] else None
        if rulebook.forced_authority_task(facts):
            facts["is_statutory_authority_task"] = True
        try:
            rulebook.normalise_facts(facts)
        except RoutingFactsError:
            continue
        cases.append((facts, FIRST_DAY + timedelta(days=rng.randrange(730))))
    return cases


def routing(*, decisions: int, runs: int) -> list[Figure]:
    """The routing figures: whole decisions and engines alone, each against the if/elif."""
    rulebook = default_rulebook()
    cases = sample(rulebook, decisions)
    normalised = [(rulebook.normalise_facts(facts), on) for facts, on in cases]
    engines: dict[str, RoutingEngine] = {"reference evaluator": ReferenceEngine()}
    if DURABLE_RULES_AVAILABLE:
        engines = {"durable_rules": make_engine("durable_rules"), **engines}
    for (facts, on), (normal, _) in zip(cases, normalised, strict=True):
        expected = if_elif(normal, on)
        for name, engine in engines.items():
            assert engine.decide(rulebook, facts, on=on).rule_id == expected, (name, facts, on)

    def plain() -> int:
        for normal, on in normalised:
            if_elif(normal, on)
        return len(normalised)

    def deciding(engine: RoutingEngine) -> Any:
        def run() -> int:
            for facts, on in cases:
                engine.decide(rulebook, facts, on=on)
            return len(cases)

        return run

    def choosing(engine: RoutingEngine) -> Any:
        def run() -> int:
            for normal, on in normalised:
                engine.winner(rulebook, normal, on)
            return len(normalised)

        return run

    variants: dict[str, Any] = {"if/elif": (None, plain)}
    if DURABLE_RULES_AVAILABLE:
        variants["durable_rules: bare post"] = (None, bare_posts(rulebook, normalised))
    for name, engine in engines.items():
        variants[f"{name}: decide"] = (None, deciding(engine))
        variants[f"{name}: engine only"] = (None, choosing(engine))
    rates = interleaved(variants, runs=runs)
    baseline, _ = rates["if/elif"]
    figures = [
        Figure(
            "3 routing",
            name,
            rate,
            "decisions/s",
            "if/elif",
            baseline,
            floor=DURABLE_FLOOR if name == "durable_rules: decide" else None,
            runs=values,
        )
        for name, (rate, values) in rates.items()
        if name != "if/elif"
    ]
    if DURABLE_RULES_AVAILABLE:
        for kind in ("decide", "engine only"):
            durable, _ = rates[f"durable_rules: {kind}"]
            reference, values = rates[f"reference evaluator: {kind}"]
            figures.append(
                Figure(
                    "3 routing",
                    f"reference vs durable_rules: {kind}",
                    reference,
                    "decisions/s",
                    f"durable_rules: {kind}",
                    durable,
                    target=10.0,
                    runs=values,
                )
            )
    figures.append(Figure("3 routing", "if/elif (raw baseline)", baseline, "decisions/s"))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="fewer and shorter runs")
    arguments = parser.parse_args(argv)
    decisions, runs = (5_000, 3) if arguments.quick else (20_000, 5)
    for figure in routing(decisions=decisions, runs=runs):
        print_figure(figure)
    if not DURABLE_RULES_AVAILABLE:
        print("durable_rules cannot be imported on this Python: reference evaluator only")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
