"""Claims the READMEs make, held to the code: the clock, impossible rule values, a given line.

Each claim was once true only in part. The tests here fail when the code and the sentence that
describes it part again: a new clock read, a condition value the fact cannot take, a ``line``
the caller gives that is not the district's.
"""

from __future__ import annotations

import ast
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from employment_domain import EmploymentArea, seal_history
from employment_domain.routing.engine import ReferenceEngine
from employment_domain.routing.rulebook import (
    RoutingFactsError,
    Rulebook,
    RulebookFileError,
    default_rulebook,
)
from tests.routing_examples import COACHING_CLIENT_FACTS

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "src" / "employment_domain" / "rules"
PACKAGED = Path(str(resources.files("employment_domain.rules").joinpath("routing")))

# -- 1. The domain never reads the clock ------------------------------------------------------

#: Functions that read a clock, by their qualified names once imports are resolved.
CLOCK_FUNCTIONS = frozenset(
    {
        "datetime.date.today",
        "datetime.datetime.now",
        "datetime.datetime.utcnow",
        "datetime.datetime.today",
        "time.time",
        "time.time_ns",
        "time.monotonic",
        "time.monotonic_ns",
        "time.perf_counter",
        "time.perf_counter_ns",
        "time.process_time",
        "time.process_time_ns",
        "time.thread_time",
        "time.thread_time_ns",
        "time.clock_gettime",
        "time.clock_gettime_ns",
        "time.localtime",
        "time.gmtime",
        "time.ctime",
        "time.asctime",
        "time.strftime",
        "os.times",
        "uuid.uuid1",
        "eventsourcing.domain.datetime_now_with_tzinfo",
        "eventsourcing.domain.create_utc_datetime_now",
    }
)
#: Methods that read a clock whatever object they are called on: eventsourcing's event
#: timestamp, ``today``/``now`` of any date class, and ``ZipFile.writestr`` given a name, which
#: stamps the entry with the local time.
CLOCK_METHODS = frozenset({"create_timestamp", "today", "now", "utcnow", "writestr"})

RECORDING = "the recording timestamp, taken by eventsourcing in UTC when an event is made"
#: Every clock read in the shipped source: (file, enclosing function, what is read) and why.
#: eventsourcing also stamps every event an aggregate triggers, inside its own code.
ALLOWED_CLOCK_READS: dict[tuple[str, str, str], str] = {
    ("src/employment_domain/clients/client.py", "Client.job_search_started", "create_timestamp"): (
        RECORDING + " (the bulk import builds the creation event itself)"
    ),
    ("src/employment_domain/audit/seals.py", "seal_history.flush", "create_timestamp"): (
        RECORDING + " (a seal is an event too)"
    ),
    ("src/employment_domain/cli/demo.py", "_simulate", "time.monotonic"): (
        "the demo's progress line says how long the simulation took"
    ),
    ("src/employment_domain/cli/projections.py", "_run", "time.monotonic"): (
        "projections rebuild says how long it took"
    ),
    ("src/employment_domain/cli/allocate.py", "_run", "datetime.date.today"): (
        "allocate without --on takes today's weights; the caller gives every other business date"
    ),
}


def _imports(tree: ast.Module) -> dict[str, str]:
    """Local names bound by imports, each to the qualified name it stands for."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    head = alias.name.split(".")[0]
                    names[head] = head
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _qualified(node: ast.expr, names: dict[str, str]) -> str | None:
    if isinstance(node, ast.Name):
        return names.get(node.id, node.id)
    if isinstance(node, ast.Attribute):
        owner = _qualified(node.value, names)
        return None if owner is None else f"{owner}.{node.attr}"
    return None


class _ClockReads(ast.NodeVisitor):
    """Every reference to a clock function or method, with the function that holds it."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names
        self.scope: list[str] = []
        self.found: list[tuple[str, str]] = []

    def _enter(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _enter  # noqa: N815

    def _check(self, node: ast.Name | ast.Attribute) -> None:
        qualified = _qualified(node, self.names)
        where = ".".join(self.scope) or "<module>"
        if qualified in CLOCK_FUNCTIONS:
            self.found.append((where, qualified))
        elif isinstance(node, ast.Attribute) and node.attr in CLOCK_METHODS:
            self.found.append((where, node.attr))

    def visit_Name(self, node: ast.Name) -> None:
        self._check(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self._check(node)
        self.generic_visit(node)


def clock_reads(source: str) -> list[tuple[str, str]]:
    """(enclosing function, clock read) for every clock read in a module's source."""
    tree = ast.parse(source)
    visitor = _ClockReads(_imports(tree))
    visitor.visit(tree)
    return visitor.found


def _shipped_modules() -> Iterator[Path]:
    for folder in (ROOT / "src" / "employment_domain",):
        yield from sorted(folder.rglob("*.py"))


def _clock_reads_in_the_shipped_source() -> set[tuple[str, str, str]]:
    return {
        (path.relative_to(ROOT).as_posix(), where, read)
        for path in _shipped_modules()
        for where, read in clock_reads(path.read_text(encoding="utf-8"))
    }


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "from datetime import date\ndef f():\n    return date.today()",
            [("f", "datetime.date.today")],
        ),
        ("import datetime as dt\nx = dt.datetime.now()", [("<module>", "datetime.datetime.now")]),
        (
            "from time import monotonic as tick\nclass A:\n    def g(self):\n        tick()",
            [("A.g", "time.monotonic")],
        ),
        ("import time\nstamp = time.time", [("<module>", "time.time")]),
        (
            "import attrs, datetime\nx = attrs.field(factory=datetime.date.today)",
            [("<module>", "datetime.date.today")],
        ),
        ("def h(event):\n    return event.create_timestamp()", [("h", "create_timestamp")]),
        ("def z(bundle):\n    bundle.writestr('a', b'')", [("z", "writestr")]),
        ("from datetime import date\nday = date(2025, 1, 1)", []),
        ("from time import sleep\nsleep(1)", []),
    ],
)
def test_the_clock_scan_finds_a_clock_read_however_it_is_imported(
    source: str, expected: list[tuple[str, str]]
) -> None:
    assert clock_reads(source) == expected


def test_the_shipped_source_reads_the_clock_only_where_the_allow_list_says_why() -> None:
    found = _clock_reads_in_the_shipped_source()
    assert found - ALLOWED_CLOCK_READS.keys() == set(), "a new clock read: allow it with why"
    assert ALLOWED_CLOCK_READS.keys() - found == set(), "an allowed read is gone: drop it"


def test_outside_the_command_line_the_only_clock_read_is_the_recording_time() -> None:
    domain = {
        read
        for path, _, read in _clock_reads_in_the_shipped_source()
        if not path.startswith("src/employment_domain/cli/")
    }
    assert domain == {"create_timestamp"}


def test_every_recorded_event_is_stamped_in_utc_by_the_recording_process_clock() -> None:
    with EmploymentArea(":memory:") as area:
        before = datetime.now(UTC)
        client_id = area.start_job_search(
            on=date(2025, 3, 3), municipality="049", birth_date=date(1990, 1, 1)
        )
        area.import_jobseekers(
            [{"on": date(2025, 3, 4), "municipality": "235", "birth_date": date(1991, 2, 1)}]
        )
        area.hold_initial_interview(client_id, on=date(2025, 3, 6))
        seal_history(area)
        after = datetime.now(UTC)
        events = area.history(after=0)
    assert len(events) >= 4  # a start, an import, an interview and a seal (with its chain)
    for recorded in events:
        assert recorded.recorded_at.utcoffset() == timedelta(0)
        assert before <= recorded.recorded_at <= after
    # The business date is the caller's, however long ago it lies.
    assert events[0].event.on == date(2025, 3, 3)  # type: ignore[attr-defined]


# -- 2. The loader refuses a condition value the fact cannot take ----------------------------


def _load(tmp_path: Path, when: str) -> Rulebook:
    folder = tmp_path / "routing"
    folder.mkdir(exist_ok=True)
    for part in ("facts.yaml", "districts.yaml"):
        shutil.copy(PACKAGED / part, folder / part)
    rule = (
        "rules:\n  - id: the_rule\n    description: d\n    reference: r\n"
        f"    valid_from: 2025-01-01\n    priority: 1\n    when: {when}\n"
        "    then: {route: in_house, unit: U}\n"
    )
    (folder / "rules.yaml").write_text(rule, encoding="utf-8")
    return Rulebook.load(folder)


@pytest.mark.parametrize(
    ("when", "problem"),
    [
        ("{age: 200}", "200 is not a value of age, which runs from 15 to 100"),
        ("{age: {eq: 14}}", "14 is not a value of age, which runs from 15 to 100"),
        ("{age: {ne: 101}}", "101 is not a value of age"),
        ("{age: {in: [200, 300]}}", "200 is not a value of age"),
        ("{age: {in: [40, 300]}}", "300 is not a value of age"),
        ("{age: {not_in: [14, 40]}}", "14 is not a value of age"),
        ("{age: {lt: 15}}", "'age is less than 15' never holds: age runs from 15 to 100"),
        ("{age: {le: 14}}", "'age is at most 14' never holds"),
        ("{age: {gt: 100}}", "'age is more than 100' never holds"),
        ("{age: {ge: 101}}", "'age is at least 101' never holds"),
        ("{not: {age: {gt: 150}}}", "'age is more than 150' never holds"),
        ("{any: [{young: true}, {age: {in: [7]}}]}", "7 is not a value of age"),
        ("{service_type: {in: [coaching, bowling]}}", "'bowling' is not a value of service_type"),
        ("{service_type: {not_in: [bowling]}}", "'bowling' is not a value of service_type"),
        ("{service_type: {ne: bowling}}", "'bowling' is not a value of service_type"),
        ("{line: tram}", "'tram' is not a value of line"),
        ("{district: atlantis}", "'atlantis' is not a value of district"),
        ("{municipality: '091'}", "'091' is not a value of municipality"),
        ("{partner_agreement: {in: [turku]}}", "'turku' is not a value of partner_agreement"),
        ("{young: {ne: 1}}", "young is yes/no (true or false), not 1"),
    ],
)
def test_the_loader_refuses_a_condition_value_the_fact_cannot_take_with_any_operator(
    tmp_path: Path, when: str, problem: str
) -> None:
    with pytest.raises(RulebookFileError) as refused:
        _load(tmp_path, when)
    [only] = refused.value.problems
    assert only.startswith("rules.yaml: rule the_rule: when: ")
    assert problem in only


@pytest.mark.parametrize(
    "when",
    [
        "{age: 15}",
        "{age: {in: [15, 100]}}",
        "{age: {not_in: [15, 100]}}",
        "{age: {ne: 100}}",
        "{age: {lt: 16}}",
        "{age: {le: 15}}",
        "{age: {gt: 99}}",
        "{age: {ge: 100}}",
        "{age: {le: 100}}",  # true of every age: a plain statement of the range stands
        "{age: {ge: 15}}",
    ],
)
def test_a_condition_that_some_value_in_the_range_decides_still_loads(
    tmp_path: Path, when: str
) -> None:
    assert [rule.id for rule in _load(tmp_path, when).rules] == ["the_rule"]


def test_a_constraint_that_tests_a_value_the_fact_cannot_take_is_refused_too(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "routing"
    folder.mkdir()
    facts = (PACKAGED / "facts.yaml").read_text(encoding="utf-8")
    facts += "  - description: Nobody is older than the catalogue allows.\n"
    facts += "    require: {not: {age: {gt: 120}}}\n"
    (folder / "facts.yaml").write_text(facts, encoding="utf-8")
    shutil.copy(PACKAGED / "districts.yaml", folder / "districts.yaml")
    with pytest.raises(RulebookFileError) as refused:
        Rulebook.load(folder)
    assert refused.value.problems == [
        "facts.yaml: constraint 2: 'age is more than 120' never holds: age runs from 15 to 100"
    ]


def test_an_archived_rulebook_that_tested_an_impossible_value_still_loads_as_written() -> None:
    document = default_rulebook().to_document()
    rule = next(r for r in document["rules"] if r["then"]["route"] == "in_house")
    rule["when"] = {"all": [rule["when"], {"age": {"in": [200, 300]}}]}
    with pytest.raises(RulebookFileError, match="200 is not a value of age"):
        Rulebook.from_document(document)
    archived = Rulebook.from_document(document, archived=True)
    assert rule["id"] in {r.id for r in archived.rules}


def test_the_rules_readme_says_the_loader_refuses_values_the_fact_cannot_take() -> None:
    text = " ".join((RULES / "README.md").read_text(encoding="utf-8").split())
    assert "a value outside an integer fact's `minimum`–`maximum`" in text


# -- 3. A caller-given line -----------------------------------------------------------------


def _facts(**changes: Any) -> dict[str, Any]:
    return {**COACHING_CLIENT_FACTS, **changes}  # Leppävaara: the rail line


# A plain dict takes the generated fast path of the fact checker; any other mapping the careful one.
@pytest.mark.parametrize("given_as", [dict, MappingProxyType])
def test_a_line_the_caller_gives_is_accepted_only_when_it_is_the_districts(
    given_as: Any,
) -> None:
    rulebook = default_rulebook()
    assert rulebook.normalise_facts(given_as(_facts(line="rail")))["line"] == "rail"
    metro = _facts(district="espoonlahti", line="metro")
    assert rulebook.normalise_facts(given_as(metro))["line"] == "metro"
    for wrong in ("metro", "unknown"):
        with pytest.raises(RoutingFactsError) as refused:
            rulebook.normalise_facts(given_as(_facts(line=wrong)))
        assert refused.value.problems == [f"line is '{wrong}' but the district gives 'rail'"]


def test_a_recorded_decision_carries_its_line_and_is_decided_again_from_those_facts() -> None:
    engine = ReferenceEngine()
    decision = engine.decide(default_rulebook(), _facts(), on=date(2025, 6, 2))
    assert decision.facts["line"] == "rail"
    assert engine.decide(default_rulebook(), decision.facts, on=date(2025, 6, 2)) == decision


def test_the_rules_readme_says_a_given_line_must_be_the_districts() -> None:
    text = " ".join((RULES / "README.md").read_text(encoding="utf-8").split())
    assert "never given by the caller" not in text
    assert "a `line` the caller gives must be the one its district gives" in text
