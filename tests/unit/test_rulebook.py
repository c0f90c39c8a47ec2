"""The rulebook: a strict loader, a content-hash version, checked facts, districts and the lint."""

from __future__ import annotations

import json
import shutil
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from employment_domain.decisions import Route
from employment_domain.money import Money
from employment_domain.routing.lint import lint
from employment_domain.routing.rulebook import (
    RoutingFactsError,
    Rulebook,
    RulebookFileError,
    default_rulebook,
)
from tests.routing_examples import COACHING_CLIENT_FACTS

PACKAGED = Path(str(resources.files("employment_domain.rules").joinpath("routing")))

PLAIN_FACTS = COACHING_CLIENT_FACTS


def a_rulebook_folder(tmp_path: Path, rules: str, name: str = "rules.yaml") -> Path:
    """The packaged fact catalogue and districts with ``rules`` as the only rule file."""
    folder = tmp_path / "routing"
    folder.mkdir(exist_ok=True)
    for part in ("facts.yaml", "districts.yaml"):
        shutil.copy(PACKAGED / part, folder / part)
    (folder / name).write_text(rules, encoding="utf-8")
    return folder


def test_the_packaged_rulebook_loads_with_its_fifteen_rules() -> None:
    rulebook = default_rulebook()
    assert len(rulebook.rules) == 15
    assert all(rule.reference and rule.description for rule in rulebook.rules)


def test_the_version_is_the_sha256_of_the_canonical_text() -> None:
    import hashlib

    rulebook = default_rulebook()
    assert rulebook.version == hashlib.sha256(rulebook.canonical_text.encode()).hexdigest()
    assert json.loads(rulebook.canonical_text)["format"] == 1


def test_comments_and_layout_do_not_change_the_version_but_content_does(tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(PACKAGED, copy)
    text = (copy / "target_groups.yaml").read_text(encoding="utf-8")
    (copy / "target_groups.yaml").write_text("# a new comment\n\n" + text, encoding="utf-8")
    assert Rulebook.load(copy).version == default_rulebook().version
    changed = text.replace("priority: 800", "priority: 801")
    (copy / "target_groups.yaml").write_text(changed, encoding="utf-8")
    assert Rulebook.load(copy).version != default_rulebook().version


def test_the_canonical_text_loads_back_to_the_same_version() -> None:
    rulebook = default_rulebook()
    again = Rulebook.from_canonical(rulebook.canonical_text)
    assert again.version == rulebook.version
    assert [rule.id for rule in again.rules] == [rule.id for rule in rulebook.rules]


def test_an_altered_canonical_text_is_refused() -> None:
    text = default_rulebook().canonical_text.replace('"priority":800', '"priority": 800')
    with pytest.raises(RulebookFileError, match="altered"):
        Rulebook.from_canonical(text)


FIVE_MISTAKES = """
rules:
  - id: first_rule
    description: A rule with a typo in a field name.
    reference: test
    valid_from: 2025-01-01
    priority: 10
    colour: blue
    when: {service_type: coaching}
    then: {route: in_house, unit: Office}
  - id: badly_dated
    description: A rule with a date that does not exist.
    reference: test
    valid_from: 2025-02-30
    priority: 10
    when: {service_type: coaching}
    then: {route: in_house, unit: Office}
  - id: versioned
    description: First version.
    reference: test
    valid_from: 2025-01-01
    valid_until: 2025-12-31
    priority: 10
    when: {service_type: coaching}
    then: {route: in_house, unit: Office}
  - id: versioned
    description: Second version, overlapping the first.
    reference: test
    valid_from: 2025-06-01
    priority: 10
    when: {service_type: coaching}
    then: {route: in_house, unit: Office}
  - id: teleported
    description: A rule with a route that does not exist.
    reference: test
    valid_from: 2025-01-01
    priority: 10
    when: {service_type: coaching}
    then: {route: teleport, unit: Office}
  - id: shoe_size
    description: A rule on a fact the catalogue does not have.
    reference: test
    valid_from: 2025-01-01
    priority: 10
    when: {shoe_size: {gt: 44}}
    then: {route: in_house, unit: Office}
"""


def test_a_rulebook_with_many_mistakes_is_refused_with_one_message_per_mistake(
    tmp_path: Path,
) -> None:
    folder = a_rulebook_folder(tmp_path, FIVE_MISTAKES, name="mistakes.yaml")
    (folder / "more.yaml").write_text(
        FIVE_MISTAKES.split("  - id: badly_dated")[0].replace("    colour: blue\n", ""),
        encoding="utf-8",
    )
    with pytest.raises(RulebookFileError) as refused:
        Rulebook.load(folder)
    problems = refused.value.problems
    assert problems == [
        "mistakes.yaml: rule first_rule: unknown field 'colour'",
        "mistakes.yaml: rule badly_dated: valid_from is not a date (YYYY-MM-DD): '2025-02-30'",
        "mistakes.yaml: rule teleported: unknown route 'teleport'; the routes are in_house,"
        " integration, joint, network, in_house_entity, partner, purchased",
        "mistakes.yaml: rule shoe_size: when: condition on unknown fact 'shoe_size'",
        "mistakes.yaml: rule versioned: overlapping validity, the versions from 2025-01-01 and"
        " from 2025-06-01 are both in force",
        "more.yaml: rule first_rule: duplicate id, also in mistakes.yaml",
    ]


def a_rule(when: str, then: str, rule_id: str = "the_rule") -> str:
    return (
        f"rules:\n  - id: {rule_id}\n    description: d\n    reference: r\n"
        f"    valid_from: 2025-01-01\n    priority: 1\n    when: {when}\n    then: {then}\n"
    )


@pytest.mark.parametrize(
    ("when", "then", "message"),
    [
        (
            "{service_type: labour_market_training}",
            "{route: purchased, unit: U, procure_from: service_type,"
            " contract_from: purchase_contract_id}",
            "could fire for a statutory authority task",
        ),
        (
            "{is_statutory_authority_task: false, service_type: coaching}",
            "{route: purchased, unit: U, procure_from: service_type,"
            " contract_from: purchase_contract_id}",
            "does not require 'purchase_contract_available: true'",
        ),
        (
            "{is_statutory_authority_task: false, purchase_contract_available: true}",
            "{route: purchased, unit: U}",
            "a purchase names what to procure and contract_from",
        ),
        (
            "{is_statutory_authority_task: false}",
            "{route: partner_city, unit_from: partner_agreement}",
            "names no unit for 'none'",
        ),
        ("{young: 1}", "{route: in_house, unit: U}", "young is yes/no"),
        ("{service_type: bowling}", "{route: in_house, unit: U}", "'bowling' is not a value"),
        ("{young: {lt: true}}", "{route: in_house, unit: U}", "cannot be tested with 'lt'"),
        ("{age: {lt: 30.5}}", "{route: in_house, unit: U}", "age is a whole number"),
        ("{age: {between: [1, 2]}}", "{route: in_house, unit: U}", "unknown operator"),
        ("{service_type: coaching}", "{route: in_house}", "exactly one of unit and unit_from"),
        ("{purchase_contract_id: X}", "{route: in_house, unit: U}", "(text) cannot be tested"),
        ("{any: []}", "{route: in_house, unit: U}", "'any' takes a list"),
        ("{service_type: coaching}", "{route: ohjaamo, unit: U, procure: coaching}", "only"),
    ],
)
def test_the_loader_refuses_unsafe_or_ill_typed_rules(
    tmp_path: Path, when: str, then: str, message: str
) -> None:
    with pytest.raises(RulebookFileError) as refused:
        Rulebook.load(a_rulebook_folder(tmp_path, a_rule(when, then)))
    assert any(message in problem for problem in refused.value.problems), refused.value.problems
    assert all(
        problem.startswith("rules.yaml: rule the_rule") for problem in refused.value.problems
    )


def test_a_folder_without_rule_files_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RulebookFileError, match="no rule files"):
        Rulebook.load(tmp_path)


def test_an_unknown_section_is_refused_with_its_file(tmp_path: Path) -> None:
    folder = a_rulebook_folder(tmp_path, "regulations: []\n", name="odd.yaml")
    with pytest.raises(RulebookFileError, match=r"odd\.yaml: unknown section 'regulations'"):
        Rulebook.load(folder)


def test_rules_are_kept_in_hit_order_highest_priority_first_then_by_id() -> None:
    orders = [rule.hit_order for rule in default_rulebook().rules]
    assert orders == sorted(orders)
    ties = [r.id for r in default_rulebook().rules if r.priority == 100]
    assert ties == sorted(ties) and len(ties) == 3


def test_facts_are_normalised_with_the_line_derived_from_the_district() -> None:
    facts = default_rulebook().normalise_facts({**PLAIN_FACTS, "district": "espoonlahti"})
    assert facts["line"] == "metro"
    assert facts["purchase_contract_id"] is None
    assert list(facts) == list(default_rulebook().facts)


def test_every_problem_with_the_facts_is_named_at_once() -> None:
    bad = {**PLAIN_FACTS, "age": "forty", "young": None, "colour": "blue"}
    del bad["municipality"]
    with pytest.raises(RoutingFactsError) as refused:
        default_rulebook().normalise_facts(bad)
    assert refused.value.problems == [
        "unknown fact(s) ['colour']",
        "age is a whole number: 'forty'",
        "young is yes/no: None",
        "missing fact municipality",
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"service_type": "initial_interview"}, "always authority tasks"),
        ({"municipality": "235"}, "Suur-Leppävaara is in 049"),
        ({"purchase_contract_available": True}, "purchase_contract_id is needed"),
        ({"purchase_contract_id": "P-1"}, "purchase_contract_id must be empty"),
        ({"line": "metro"}, "line is 'metro' but the district gives 'rail'"),
        ({"age": 14}, "age 14 is outside 15–100"),
        ({"district": "Leppävaara"}, "district 'Leppävaara' is not one of"),
    ],
)
def test_facts_that_break_the_catalogue_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(RoutingFactsError, match=message):
        default_rulebook().normalise_facts({**PLAIN_FACTS, **changes})


def test_a_text_fact_given_as_none_is_accepted_as_absent() -> None:
    facts = default_rulebook().normalise_facts({**PLAIN_FACTS, "purchase_contract_id": None})
    assert facts["purchase_contract_id"] is None


@pytest.mark.parametrize(
    ("name", "municipality", "key"),
    [
        ("Olari", "049", "matinkyla"),
        ("suur-leppävaara", "049", "leppavaara"),
        ("Espoon keskus", "049", "espoon_keskus"),
        ("  Kivenlahti ", "049", "espoonlahti"),
        (None, "235", "kauniainen"),
        ("unknown", "235", "kauniainen"),
        (None, "049", "unknown"),
        ("unknown", "049", "unknown"),
    ],
)
def test_a_clients_district_is_found_by_any_of_its_names(
    name: str | None, municipality: str, key: str
) -> None:
    assert default_rulebook().district_key(name, municipality) == key


def test_an_unknown_district_name_is_a_named_error_listing_the_districts() -> None:
    with pytest.raises(RoutingFactsError, match=r"unknown district 'Atlantis'.*Suur-Matinkylä"):
        default_rulebook().district_key("Atlantis", "049")


def test_the_constraints_force_the_authority_flag_only_for_statutory_services() -> None:
    rulebook = default_rulebook()
    assert rulebook.forced_authority_task({"service_type": "initial_interview"})
    assert not rulebook.forced_authority_task({"service_type": "labour_market_training"})


def test_money_facts_reach_the_rules_as_integer_cents(tmp_path: Path) -> None:
    facts_yaml = (
        (PACKAGED / "facts.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "  partner_agreement:",
            "  value_left:\n    type: money\n    description: Money left on the contract.\n"
            "  partner_agreement:",
        )
    )
    folder = a_rulebook_folder(
        tmp_path,
        a_rule('{value_left: {ge: "1500.00"}}', "{route: in_house, unit: U}"),
    )
    (folder / "facts.yaml").write_text(facts_yaml, encoding="utf-8")
    rulebook = Rulebook.load(folder)
    facts = rulebook.normalise_facts({**PLAIN_FACTS, "value_left": Money("1500.00")})
    assert facts["value_left"] == 150000
    assert rulebook.rules[0].matches(facts)
    assert not rulebook.rules[0].matches({**facts, "value_left": 149999})
    assert json.loads(rulebook.canonical_text)["rules"][0]["when"] == {
        "value_left": {"ge": "1500.00"}
    }
    with pytest.raises(RoutingFactsError, match="value_left is Money"):
        rulebook.normalise_facts({**PLAIN_FACTS, "value_left": 1500.0})


def test_the_packaged_rulebook_is_clean_under_the_lint() -> None:
    assert lint(default_rulebook()) == []


LINTED = """
rules:
  - id: everyone_in_house
    description: Everything non-statutory goes in-house.
    reference: r
    valid_from: 2025-01-01
    valid_until: 2025-12-31
    priority: 50
    when: {service_type: {ne: employer_services}}
    then: {route: in_house, unit_from: line}
  - id: coaching_in_house
    description: Shadowed by the rule above.
    reference: r
    valid_from: 2025-01-01
    priority: 10
    when: {service_type: coaching}
    then: {route: in_house, unit: Office}
  - id: also_everyone
    description: Ties with the first rule.
    reference: r
    valid_from: 2025-01-01
    priority: 50
    when: {age: {lt: 30}}
    then: {route: in_house, unit: Office}
"""


def test_the_lint_finds_shadowed_rules_uncovered_facts_and_ties(tmp_path: Path) -> None:
    findings = lint(Rulebook.load(a_rulebook_folder(tmp_path, LINTED)))
    kinds = {(f.kind, f.rule_ids, f.first_day) for f in findings}
    assert ("same_priority", ("also_everyone", "everyone_in_house"), date(2025, 1, 1)) in kinds
    uncovered_2025 = [f.message for f in findings if f.kind == "uncovered" and f.last_day]
    assert uncovered_2025 == [
        "no rule covers {service_type=employer_services, age=30–100} from 2025-01-01 to 2025-12-31"
    ]
    uncovered_2026 = [f for f in findings if f.kind == "uncovered" and f.last_day is None]
    assert len(uncovered_2026) == 14  # every service type but coaching, from age 30
    assert {f.facts["service_type"] for f in uncovered_2026} == set(
        default_rulebook().facts["service_type"].values
    ) - {"coaching"}
    assert [f.rule_ids for f in findings if f.kind == "never_fires"] == []


def test_the_lint_finds_a_rule_that_can_never_fire(tmp_path: Path) -> None:
    shadowed = LINTED.replace("    valid_until: 2025-12-31\n", "")
    findings = lint(Rulebook.load(a_rulebook_folder(tmp_path, shadowed)))
    never = [f for f in findings if f.kind == "never_fires"]
    assert [f.rule_ids for f in never] == [("coaching_in_house",)]
    assert "rules.yaml" in never[0].message


def test_the_lint_reports_a_gap_when_no_rule_is_in_force(tmp_path: Path) -> None:
    rules = a_rule("{service_type: coaching}", "{route: in_house, unit: U}").replace(
        "priority: 1", "priority: 1\n    valid_until: 2025-06-30"
    )
    findings = lint(Rulebook.load(a_rulebook_folder(tmp_path, rules)))
    assert "no rule is in force from 2025-07-01" in [f.message for f in findings]


def test_the_route_enum_covers_every_outcome_of_the_packaged_rules() -> None:
    routes = {rule.outcome.route for rule in default_rulebook().rules}
    assert routes == set(Route)
