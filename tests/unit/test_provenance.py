"""Every value traced to its source: one status vocabulary for parameters and rules, quotes that
are the plan's own words, and the plan's "lähtökohtaisesti" as a default rather than a law."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from employment_domain.area_rules import default_rules_folder
from employment_domain.cli.provenance import provenance_rows, status_totals
from employment_domain.decisions import Route
from employment_domain.parameters import (
    STATUSES,
    ParameterFileError,
    Parameters,
    default_parameters,
)
from employment_domain.routing.lint import departures, lint
from employment_domain.routing.rulebook import Rulebook, RulebookFileError, default_rulebook

RULES = Path(str(resources.files("employment_domain.rules")))
PACKAGED_ROUTING = RULES / "routing"
EXCERPTS = Path(__file__).parent / "plan_excerpts.txt"
# The plan itself lies beside the repository, in the shared folder, where it is at hand.
PLAN_FOLDER = Path(__file__).resolve().parents[3] / "shared" / "seed"


def words(text: str) -> str:
    """Text as compared with the plan: bold markers dropped, runs of whitespace one space."""
    return " ".join(text.replace("**", "").split())


def excerpts() -> dict[str, str]:
    """The fixture's bullets by section letter, each section as one run of words."""
    sections: dict[str, list[str]] = {}
    current = None
    for line in EXCERPTS.read_text(encoding="utf-8").splitlines():
        heading = re.fullmatch(r"\[([a-z])\]", line.strip())
        if heading:
            current = heading.group(1)
        elif line.strip() and not line.startswith("#") and current is not None:
            sections.setdefault(current, []).append(words(line))
    return {letter: "\n".join(lines) for letter, lines in sections.items()}


def plan_sections(text: str) -> dict[str, str]:
    """The plan's text by section letter: a heading ``# a) …`` opens section a, and a heading
    without a letter closes it (a section may appear twice, as b) does)."""
    sections: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            heading = re.match(r"#+\s+([a-f])\)", line.strip())
            current = heading.group(1) if heading else None
        elif current is not None:
            sections.setdefault(current, []).append(line)
    return {letter: words("\n".join(lines)) for letter, lines in sections.items()}


def sources() -> list[dict[str, Any]]:
    return provenance_rows(default_parameters(), default_rulebook(), default_rules_folder().area)


def test_every_packaged_value_rule_default_and_district_states_one_of_the_four_statuses() -> None:
    rows = sources()
    assert {row["kind"] for row in rows} == {"area", "parameter", "default", "rule", "district"}
    unstated = [(row["file"], row["key"]) for row in rows if row["status"] not in STATUSES]
    assert unstated == []


def test_every_seed_quotes_the_plan_and_every_assumption_says_why() -> None:
    for row in sources():
        if row["status"] == "seed":
            assert row["quote"] and row["section"], row["key"]
        if row["status"] == "assumption":
            assert row["why"], row["key"]
        if row["why"]:
            assert row["why"].count(". ") == 0 and row["why"].endswith("."), row["why"]


def test_every_quote_is_the_plans_own_words_in_the_section_it_names() -> None:
    plan = excerpts()
    quoted = [row for row in sources() if row["quote"]]
    assert len(quoted) >= 20
    for row in quoted:
        assert words(row["quote"]) in plan.get(row["section"], ""), (row["key"], row["quote"])


def test_the_excerpts_are_the_plans_own_words_in_their_sections() -> None:
    plans = sorted(PLAN_FOLDER.glob("*.txt")) if PLAN_FOLDER.is_dir() else []
    if not plans:
        pytest.skip(f"the organising plan is not at hand in {PLAN_FOLDER}")
    plan = plan_sections(plans[0].read_text(encoding="utf-8"))
    for letter, bullets in excerpts().items():
        for bullet in bullets.splitlines():
            assert bullet in plan[letter], (letter, bullet)


@pytest.mark.parametrize(
    ("key", "status"),
    [
        ("budget_staff[0]", "assumption"),
        ("budget_purchased_services[0]", "assumption"),
        ("purchasable_service_types[0]", "assumption"),
        ("in_house_entities[0]", "seed"),
        ("initial_interview_working_days[1]", "law"),
        ("initial_interview_working_days[0]", "recalled"),
        ("first_discussion_after_restart_working_days[0]", "assumption"),
        ("district matinkyla", "seed"),
        ("district leppavaara", "seed"),
        ("district espoonlahti", "assumption"),
        ("district espoon_keskus", "assumption"),
        ("district kauniainen", "assumption"),
        ("rule statutory_authority_tasks_in_house", "law"),
        ("rule job_placement_in_house", "seed"),
        ("rule guidance_in_house_while_capacity_left", "assumption"),
        ("rule training_from_omnia", "assumption"),
        ("rule training_with_a_partner_city", "assumption"),
        ("rule training_purchased", "assumption"),
        ("rule guidance_with_a_partner_city", "assumption"),
        ("rule guidance_purchased", "assumption"),
        ("default in_house_as_a_starting_point", "seed"),
    ],
)
def test_what_the_plan_does_not_state_is_no_longer_labelled_seed(key: str, status: str) -> None:
    assert {row["key"]: row["status"] for row in sources()}[key] == status


def test_no_value_or_rule_keeps_the_old_statuses_verified_or_council() -> None:
    assert {row["status"] for row in sources()} <= set(STATUSES)


@pytest.mark.parametrize(
    "readme", [RULES / "README.md", Path(__file__).parents[2] / "README.md"], ids=["rules", "front"]
)
def test_the_totals_in_the_readmes_are_those_of_the_packaged_files(readme: Path) -> None:
    text = readme.read_text(encoding="utf-8")
    for line in status_totals(sources()):
        names = ("area", "parameter", "default", "rule", "district", "all")
        cells = [str(line[name]) for name in names]
        row = rf"\|\s*`?{line['status']}`?\s*\|\s*" + r"\s*\|\s*".join(cells) + r"\s*\|"
        assert re.search(row, text), f"{readme} lacks the row {line}"


# -- the loaders refuse a source that does not say what it rests on -------------------------


def test_the_parameter_loader_refuses_an_unsourced_seed_a_reasonless_assumption_and_old_words(
    tmp_path: Path,
) -> None:
    (tmp_path / "sources.yaml").write_text(
        """
from_the_plan:
  values: [{valid_from: 2025-01-01, value: 1, reference: r, status: seed}]
chosen:
  values: [{valid_from: 2025-01-01, value: 2, reference: r, status: assumption}]
verified_once:
  values: [{valid_from: 2025-01-01, value: 3, reference: r, status: verified}]
lawful:
  values: [{valid_from: 2025-01-01, value: 4, reference: the law, status: law}]
lettered:
  values: [{valid_from: 2025-01-01, value: 5, reference: r, status: seed, quote: q, section: b)}]
fine:
  values:
    - {valid_from: 2025-01-01, valid_until: 2025-12-31, value: 6, reference: 380/2023, status: law}
    - {valid_from: 2026-01-01, valid_until: 2026-12-31, value: 7, reference: r, status: assumption,
       why: Because.}
    - {valid_from: 2027-01-01, value: 8, reference: r, status: seed, quote: q, section: b}
""",
        encoding="utf-8",
    )
    with pytest.raises(ParameterFileError) as refused:
        Parameters.load(tmp_path)
    assert refused.value.problems == [
        "sources.yaml: from_the_plan[0]: status seed needs quote: the plan's own words",
        "sources.yaml: from_the_plan[0]: status seed needs section: the plan's letter",
        "sources.yaml: chosen[0]: status assumption needs why: one sentence saying why it was"
        " chosen",
        "sources.yaml: verified_once[0]: status must be one of ['seed', 'law', 'recalled',"
        " 'assumption']: 'verified'",
        "sources.yaml: lawful[0]: status law needs the act's number (like 380/2023) in the"
        " reference",
        "sources.yaml: lettered[0]: section is the plan's section letter (a, b, …): 'b)'",
    ]


def test_a_parameter_value_carries_its_section_quote_and_why_with_its_key() -> None:
    weight = default_parameters().entry("cost_split_weight_population_18_64", date(2025, 6, 1))
    assert (weight.status, weight.section, weight.key) == (
        "seed",
        "a",
        "cost_split_weight_population_18_64[0]",
    )
    assert weight.quote is not None and weight.quote.startswith("Toteutuneista kustannuksista")


def a_rulebook_folder(tmp_path: Path, rules: str) -> Path:
    """The packaged catalogue, districts and the plan's default, with ``rules`` as the rules."""
    folder = tmp_path / "routing"
    folder.mkdir()
    for part in ("facts.yaml", "districts.yaml"):
        shutil.copy(PACKAGED_ROUTING / part, folder / part)
    packaged = (PACKAGED_ROUTING / "authority_and_in_house.yaml").read_text(encoding="utf-8")
    (folder / "defaults.yaml").write_text(packaged.split("\nrules:")[0], encoding="utf-8")
    (folder / "rules.yaml").write_text("rules:\n" + rules, encoding="utf-8")
    return folder


def a_rule(route: str, source: str = "", when: str = "") -> str:
    return (
        "  - id: the_rule\n    description: d\n    reference: r\n    valid_from: 2025-01-01\n"
        f"    priority: 1\n{source}"
        f"    when: {{service_type: information_advice, {when or 'young: true'}}}\n"
        f"    then: {route}\n"
    )


ROUTED_AWAY = "{route: partner, unit_from: partner_agreement}"
AWAY_WHEN = "is_statutory_authority_task: false, partner_agreement: {ne: none}"


def test_the_rule_loader_refuses_an_unsourced_seed_with_the_rule_id(tmp_path: Path) -> None:
    rule = a_rule("{route: in_house, unit: U}", "    status: seed\n")
    with pytest.raises(RulebookFileError) as refused:
        Rulebook.load(a_rulebook_folder(tmp_path, rule))
    assert refused.value.problems == [
        "rules.yaml: rule the_rule: status seed needs quote: the plan's own words",
        "rules.yaml: rule the_rule: status seed needs section: the plan's letter",
    ]


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("    status: assumption\n", "status assumption needs why"),
        ("    status: council\n", "status must be one of ['seed', 'law', 'recalled'"),
        ("    status: law\n", "status law needs the act's number"),
    ],
)
def test_the_rule_loader_refuses_a_reasonless_assumption_and_unknown_or_unlawful_statuses(
    tmp_path: Path, source: str, problem: str
) -> None:
    rule = a_rule("{route: in_house, unit: U}", source)
    with pytest.raises(RulebookFileError) as refused:
        Rulebook.load(a_rulebook_folder(tmp_path, rule))
    assert [p.split(": ", 2)[:2] for p in refused.value.problems] == [
        ["rules.yaml", "rule the_rule"]
    ]
    assert problem in refused.value.problems[0]


def test_a_district_that_is_labelled_seed_must_quote_the_plan(tmp_path: Path) -> None:
    folder = a_rulebook_folder(tmp_path, a_rule("{route: in_house, unit: U}"))
    districts = (folder / "districts.yaml").read_text(encoding="utf-8")
    (folder / "districts.yaml").write_text(
        districts.replace(
            "    status: assumption\n    why: The plan names only",
            "    status: seed\n    note: The plan names only",
            1,
        ),
        encoding="utf-8",
    )
    with pytest.raises(RulebookFileError) as refused:
        Rulebook.load(folder)
    assert refused.value.problems[0] == (
        "districts.yaml: district espoonlahti: status seed needs quote: the plan's own words"
    )


# -- "lähtökohtaisesti": the plan's default, not the law -----------------------------------


def test_a_rule_that_routes_guidance_elsewhere_without_a_status_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RulebookFileError) as refused:
        Rulebook.load(a_rulebook_folder(tmp_path, a_rule(ROUTED_AWAY, when=AWAY_WHEN)))
    assert refused.value.problems == [
        "rules.yaml: rule the_rule: routes partner where the plan's default"
        " in_house_as_a_starting_point is in_house as a starting point; state the rule's status"
        " (seed, law, recalled, assumption) with its quote or why"
    ]


def test_a_rule_that_routes_guidance_elsewhere_and_states_its_status_loads_with_a_warning(
    tmp_path: Path,
) -> None:
    source = "    status: assumption\n    why: Helsinki has room while we have none.\n"
    rulebook = Rulebook.load(a_rulebook_folder(tmp_path, a_rule(ROUTED_AWAY, source, AWAY_WHEN)))
    assert rulebook.rules[0].outcome.route == Route.PARTNER
    warned = departures(rulebook)
    assert [(w.kind, w.severity, w.rule_ids) for w in warned] == [
        ("departs_from_default", "warning", ("the_rule",))
    ]
    assert "service_type=information_advice" in warned[0].message
    assert "status assumption" in warned[0].message
    assert [f for f in lint(rulebook) if f.severity == "warning"] == []
    assert warned[0] in lint(rulebook, warnings=True)


def test_a_rule_that_could_send_an_authority_task_elsewhere_is_refused_whatever_its_status(
    tmp_path: Path,
) -> None:
    source = "    status: assumption\n    why: Because.\n"
    when = "partner_agreement: {ne: none}"
    with pytest.raises(RulebookFileError) as refused:
        Rulebook.load(a_rulebook_folder(tmp_path, a_rule(ROUTED_AWAY, source, when)))
    [problem] = refused.value.problems
    assert "could fire for a statutory authority task" in problem
    assert "kuntalaki 410/2015 8 § 2 mom 5 k" in problem and "(status law)" in problem


def test_a_rule_that_keeps_guidance_in_house_is_no_departure(tmp_path: Path) -> None:
    rulebook = Rulebook.load(a_rulebook_folder(tmp_path, a_rule("{route: in_house, unit: U}")))
    assert departures(rulebook) == []


def test_the_packaged_rules_depart_from_the_default_in_five_places_and_lint_clean() -> None:
    rulebook = default_rulebook()
    assert lint(rulebook) == []
    warned = lint(rulebook, warnings=True)
    assert {finding.severity for finding in warned} == {"warning"}
    assert sorted(rule_id for w in warned for rule_id in w.rule_ids) == [
        "guidance_purchased",
        "guidance_with_a_partner_city",
        "integration_phase_clients_in_integration_services",
        "multi_agency_clients_served_jointly",
        "young_people_served_with_ohjaamo",
    ]


def test_the_plans_default_is_part_of_the_canonical_text_and_loads_back() -> None:
    rulebook = default_rulebook()
    document = json.loads(rulebook.canonical_text)
    assert document["defaults"]["in_house_as_a_starting_point"]["route"] == "in_house"
    assert document["districts"]["matinkyla"]["section"] == "c"
    again = Rulebook.from_canonical(rulebook.canonical_text)
    assert again.version == rulebook.version
    assert again.defaults["in_house_as_a_starting_point"].services[0] == "job_placement"


def test_an_archived_rulebook_in_the_words_of_its_release_still_loads() -> None:
    document = json.loads(default_rulebook().canonical_text)
    del document["defaults"]
    for part in [*document["rules"], *document["districts"].values()]:
        for key in ("section", "quote", "why"):
            part.pop(key, None)
        part["status"] = "verified" if part.get("status") == "law" else part.get("status")
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    archived = Rulebook.from_canonical(text)
    assert archived.canonical_text == text and archived.defaults == {}
    with pytest.raises(RulebookFileError, match="status assumption needs why"):
        Rulebook.from_document(document)
