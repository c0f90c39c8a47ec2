"""Rules of the core modules that a mutant once broke without any test failing.

Each test states one rule of money, the cost split, the working-day calendar or the condition
language, with examples chosen so that the changed code gives another answer. tests/README.md
lists the mutants that still survive and why each is accepted.
"""

from __future__ import annotations

import operator
import shutil
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from employment_domain import CurrencyError, Money, MoneyError, MunicipalityCode, Parameters
from employment_domain.calendar import (
    CalendarError,
    add_working_days,
    is_working_day,
    working_days_between,
)
from employment_domain.ledgers.allocation import (
    AllocationError,
    BasisError,
    MunicipalBasis,
    SplitWeights,
    WeightsError,
    ZeroBasisError,
    split_cost,
)
from employment_domain.routing.conditions import (
    NEGATED_OP,
    All,
    AnyOf,
    Condition,
    FactDefinition,
    FactTest,
    Not,
    compile_condition,
    compile_first_match,
    condition_facts,
    condition_source,
    condition_tests,
    condition_to_data,
    describe_condition,
    describe_test,
    holds,
    parse_condition,
    partial,
    push_negations,
)
from employment_domain.routing.engine import (
    DURABLE_RULES_AVAILABLE,
    ReferenceEngine,
    RoutingEngine,
    make_engine,
)
from employment_domain.routing.rulebook import Rulebook, default_rulebook
from tests.routing_examples import COACHING_CLIENT_FACTS

PACKAGED = Path(str(resources.files("employment_domain.rules").joinpath("routing")))
HALF_AND_HALF = SplitWeights(Decimal("0.5"), Decimal("0.5"))

# -- money ------------------------------------------------------------------------------------


def test_an_amount_is_read_from_an_int_a_unicode_minus_and_trailing_zeros() -> None:
    assert Money(12) == Money("12.00")
    assert Money("\u22125.25") == Money("-5.25")  # the minus sign of typeset text
    assert Money("1.000") == Money("1.00")  # zeros past the cents lose nothing
    assert Money("999999999999999.99").to_cents() == 99_999_999_999_999_999


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (True, "a truth value is not an amount of money: True"),
        ("ten", "not an amount of money: 'ten'"),
        ([1], "not an amount of money: [1] (list)"),
        ("NaN", "an amount of money must be finite: 'NaN'"),
        ("1000000000000000", "an amount of money is less than 10**15 euros: '1000000000000000'"),
        ("0.001", "an amount of money has at most two decimals (cents): '0.001'"),
    ],
)
def test_a_refused_amount_is_named_in_the_message(amount: object, message: str) -> None:
    with pytest.raises(MoneyError) as refused:
        Money(amount)
    assert str(refused.value) == message


def test_euros_are_the_default_currency_and_the_euro_sign_is_one() -> None:
    assert Money.euros("2.50") == Money.euros("2.50", currency="€") == Money("2.50")
    with pytest.raises(CurrencyError, match="in euros, not 'USD'"):
        Money.euros("1", currency="USD")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: Money.from_cents(True), "cents must be an integer, not True"),
        (lambda: Money.from_cents(1.5), "cents must be an integer, not 1.5"),  # type: ignore[arg-type]
        (
            lambda: Money("1").times(True),
            "an amount can be multiplied by a whole number only: True",
        ),
        (lambda: Money("1").split([]), "cannot split an amount between no parts"),
        (lambda: Money("1").split([0, 0]), "cannot split by weights that are all zero: [0, 0]"),
        (
            lambda: Money("1").split([0.5]),  # type: ignore[list-item]
            "a split weight must be an int, Decimal or Fraction, not 0.5 (float)",
        ),
        (
            lambda: Money("1").split([Decimal("Infinity")]),
            "a split weight must be finite: Decimal('Infinity')",
        ),
    ],
)
def test_a_refused_calculation_names_the_value_that_was_refused(
    call: Callable[[], object], message: str
) -> None:
    with pytest.raises(MoneyError) as refused:
        call()
    assert str(refused.value) == message


def test_a_single_part_takes_the_whole_amount() -> None:
    assert Money("10.01").split([3]) == [Money("10.01")]


def test_the_absolute_value_and_the_truth_of_an_amount() -> None:
    assert abs(Money("-1.50")) == abs(Money("1.50")) == Money("1.50")
    assert not Money("0.00")
    assert Money("0.01") and Money("-0.01")


def test_between_equal_remainders_the_part_listed_first_gets_the_cent() -> None:
    assert Money("0.01").split([1, 1]) == [Money("0.01"), Money("0.00")]
    assert Money("0.02").split([1, 1, 1]) == [Money("0.01"), Money("0.01"), Money("0.00")]


# -- the cost split's odd cent ---------------------------------------------------------------


def _basis(code: str, population: int, unemployed: int) -> MunicipalBasis:
    return MunicipalBasis(MunicipalityCode(code), population, unemployed)


def test_between_equal_shares_the_odd_cent_goes_to_the_larger_population_not_the_lower_code() -> (
    None
):
    # Each town has half of the 40 people aged 18–64 weighted with half of the 40 unemployed:
    # 0.5 × 30/40 + 0.5 × 10/40 = 0.5 = 0.5 × 10/40 + 0.5 × 30/40. One cent cannot be halved;
    # Kauniainen (235) has the larger population, so it gets the cent although Espoo's code is
    # lower.
    for listed in (
        [_basis("049", 10, 30), _basis("235", 30, 10)],
        [_basis("235", 30, 10), _basis("049", 10, 30)],
    ):
        split = split_cost(Money("0.01"), listed, HALF_AND_HALF)
        assert split.amounts() == {"049": Money("0.00"), "235": Money("0.01")}


def test_between_equal_shares_and_populations_the_odd_cent_goes_to_more_unemployed() -> None:
    # The unemployed weigh nothing here, so equal populations give equal shares; the larger
    # count of unemployed still decides the cent before the municipality code does.
    split = split_cost(
        Money("0.01"), [_basis("049", 20, 1), _basis("235", 20, 5)], SplitWeights(1, 0)
    )
    assert split.amounts() == {"049": Money("0.00"), "235": Money("0.01")}


def test_between_identical_figures_the_odd_cent_goes_to_the_lower_code() -> None:
    split = split_cost(Money("0.01"), [_basis("235", 20, 5), _basis("049", 20, 5)], HALF_AND_HALF)
    assert split.amounts() == {"049": Money("0.01"), "235": Money("0.00")}


def test_a_column_that_weighs_nothing_gives_every_municipality_a_share_of_zero_in_it() -> None:
    split = split_cost(
        Money("10.00"), [_basis("049", 3, 7), _basis("235", 1, 1)], SplitWeights(1, 0)
    )
    assert [share.unemployed_share for share in split.shares] == [0, 0]
    assert [share.population_share for share in split.shares] == [Fraction(3, 4), Fraction(1, 4)]


def test_a_basis_with_its_dates_and_sources_survives_the_round_trip_through_plain_data() -> None:
    basis = MunicipalBasis(
        MunicipalityCode("235"),
        10_250,
        560,
        population_reference_date=date(2024, 12, 31),
        population_source="Statistics Finland 11ra",
        unemployed_reference_date=date(2025, 11, 30),
        unemployed_source="TEM employment service statistics",
    )
    data = basis.to_dict()
    assert data == {
        "municipality": "235",
        "population_18_64": 10_250,
        "population_reference_date": "2024-12-31",
        "population_source": "Statistics Finland 11ra",
        "unemployed_broad": 560,
        "unemployed_reference_date": "2025-11-30",
        "unemployed_source": "TEM employment service statistics",
    }
    assert MunicipalBasis.from_dict(data) == basis
    bare = _basis("049", 1, 2)
    assert MunicipalBasis.from_dict(bare.to_dict()) == bare


def test_the_weights_as_plain_data_name_each_value_and_its_dated_source(tmp_path: Path) -> None:
    (tmp_path / "cost_split.yaml").write_text(
        "cost_split_weight_population_18_64:\n"
        "  values:\n"
        "    - {valid_from: 2025-01-01, valid_until: 2025-12-31, value: 0.4, reference: r,\n"
        "       status: assumption, why: a council decision to come}\n"
        "cost_split_weight_unemployed_broad:\n"
        "  values:\n"
        "    - {valid_from: 2025-01-01, value: 0.6, reference: r}\n",
        encoding="utf-8",
    )
    weights = SplitWeights.in_force(Parameters.load(tmp_path), date(2025, 6, 30))
    assert weights.to_dict() == {
        "population_18_64": "0.4",
        "unemployed_broad": "0.6",
        "sources": [
            {
                "parameter": "cost_split_weight_population_18_64",
                "value": "0.4",
                "valid_from": "2025-01-01",
                "valid_until": "2025-12-31",
                "reference": "r",
                "source_file": "cost_split.yaml",
                "status": "assumption",
            },
            {
                "parameter": "cost_split_weight_unemployed_broad",
                "value": "0.6",
                "valid_from": "2025-01-01",
                "valid_until": None,
                "reference": "r",
                "source_file": "cost_split.yaml",
                "status": None,
            },
        ],
    }


def test_the_split_as_plain_data_carries_the_totals_it_was_shared_by() -> None:
    data = split_cost(
        Money("1.00"), [_basis("049", 3, 1), _basis("235", 1, 1)], HALF_AND_HALF
    ).to_dict()
    assert (data["population_18_64_total"], data["unemployed_broad_total"]) == (4, 2)
    assert list(data) == [
        "net_cost",
        "weights",
        "population_18_64_total",
        "unemployed_broad_total",
        "municipalities",
    ]


@pytest.mark.parametrize(
    ("weights", "error", "message"),
    [
        (
            (0.5, Decimal("0.5")),
            WeightsError,
            "the weight population_18_64: a split weight must be an int, Decimal or Fraction,"
            " not 0.5 (float)",
        ),
        (
            (Decimal("0.5"), -1),
            WeightsError,
            "the weight unemployed_broad: a split weight cannot be negative: -1",
        ),
        ((1, 1), WeightsError, "the weights of the cost split must sum to 1: 1 + 1 = 2"),
        (
            (Decimal("0.6"), Decimal("0.9")),
            WeightsError,
            "the weights of the cost split must sum to 1: 0.6 + 0.9 = 1.5",
        ),
    ],
)
def test_refused_weights_are_named_with_their_sum(
    weights: tuple[Any, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as refused:
        SplitWeights(*weights)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: split_cost(1, [_basis("049", 1, 1)], HALF_AND_HALF),  # type: ignore[arg-type]
            AllocationError,
            "the net cost to split must be Money, not 1",
        ),
        (
            lambda: split_cost(Money("1"), [_basis("049", 1, 1)], (1, 0)),  # type: ignore[arg-type]
            WeightsError,
            "split weights must be SplitWeights, not (1, 0)",
        ),
        (
            lambda: split_cost(Money("1"), [], HALF_AND_HALF),
            AllocationError,
            "a cost split needs at least one municipality",
        ),
        (
            lambda: split_cost(Money("1"), ["049"], HALF_AND_HALF),  # type: ignore[list-item]
            BasisError,
            "a basis is a MunicipalBasis, not '049'",
        ),
        (
            lambda: MunicipalBasis("049", 1, 1),  # type: ignore[arg-type]
            BasisError,
            "a basis belongs to a MunicipalityCode, not '049'",
        ),
        (
            lambda: split_cost(Money("1"), [_basis("049", 0, 1)], HALF_AND_HALF),
            ZeroBasisError,
            "no share of the 18–64-year-olds exists: every municipality's figure is 0 (049)",
        ),
        (
            lambda: split_cost(Money("1"), [_basis("049", 1, 0)], HALF_AND_HALF),
            ZeroBasisError,
            "no share of the broadly unemployed exists: every municipality's figure is 0 (049)",
        ),
        (
            lambda: split_cost(Money("1"), [_basis("049", 1, 1)], HALF_AND_HALF).share_of(
                MunicipalityCode("235")
            ),
            BasisError,
            "municipality 235 Kauniainen is not in this split",
        ),
    ],
)
def test_a_refused_split_names_what_was_wrong(
    call: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as refused:
        call()
    assert str(refused.value) == message


# -- working days ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        (date(2025, 3, 3), date(2025, 3, 6), 3),  # Mon → Thu: Tue, Wed, Thu; not Fri
        (date(2025, 3, 3), date(2025, 3, 3), 0),  # the same day
        (date(2025, 3, 6), date(2025, 3, 3), 0),  # an end before the start
        (date(2025, 3, 3), date(2025, 3, 4), 1),  # the next day, a working day
        (date(2025, 3, 7), date(2025, 3, 10), 1),  # Fri → Mon: the weekend does not count
        (date(2025, 3, 3), date(2025, 3, 8), 4),  # Mon → Sat: ends on a day off
        (date(2025, 3, 8), date(2025, 3, 11), 2),  # Sat → Tue: Mon and Tue
        (date(2025, 12, 23), date(2025, 12, 29), 1),  # Christmas: only Mon 29.12. counts
        (date(2025, 4, 17), date(2025, 4, 22), 1),  # Easter: Good Friday and Easter Monday off
    ],
)
def test_working_days_between_counts_the_days_after_the_start_up_to_and_including_the_end(
    start: date, end: date, count: int
) -> None:
    assert working_days_between(start, end) == count


def test_counting_working_days_inverts_adding_them_from_any_day_of_the_week() -> None:
    for offset in range(7):
        start = date(2025, 6, 16) + timedelta(days=offset)  # around Midsummer
        for count in range(1, 9):
            assert working_days_between(start, add_working_days(start, count)) == count


def test_adding_working_days_skips_exactly_the_days_off() -> None:
    assert add_working_days(date(2025, 3, 3), 1) == date(2025, 3, 4)  # Mon → Tue
    assert add_working_days(date(2025, 3, 6), 1) == date(2025, 3, 7)  # Thu → Fri
    assert add_working_days(date(2025, 3, 7), 1) == date(2025, 3, 10)  # Fri → Mon
    assert add_working_days(date(2025, 3, 3), 0) == date(2025, 3, 3)  # a working day itself
    assert add_working_days(date(2025, 3, 8), 0) == date(2025, 3, 10)  # Sat → Mon


def test_a_working_day_is_a_weekday_that_is_not_a_holiday() -> None:
    days = [date(2025, 3, 3) + timedelta(days=offset) for offset in range(7)]
    assert [is_working_day(day) for day in days] == [True] * 5 + [False] * 2
    assert not is_working_day(date(2025, 12, 24))  # Christmas Eve, a Wednesday
    assert not is_working_day(date(2026, 1, 1))  # New Year's Day, another year's holidays


COUNT_REFUSED = "a number of working days is a whole number ≥ 0: "


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: add_working_days(date(2025, 1, 2), True), COUNT_REFUSED + "True"),
        (lambda: add_working_days(date(2025, 1, 2), 1.0), COUNT_REFUSED + "1.0"),  # type: ignore[arg-type]
        (lambda: add_working_days(date(2025, 1, 2), -1), COUNT_REFUSED + "-1"),
        (lambda: add_working_days("2025-01-02", 1), "not a date: '2025-01-02'"),  # type: ignore[arg-type]
        (lambda: is_working_day("2025-01-02"), "not a date: '2025-01-02'"),  # type: ignore[arg-type]
    ],
)
def test_a_question_without_an_answer_is_a_calendar_error_naming_the_value(
    call: Callable[[], object], message: str
) -> None:
    with pytest.raises(CalendarError) as refused:
        call()
    assert str(refused.value) == message


# -- every operator of the condition language, and its negation ------------------------------

_PYTHON: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
    "in": lambda value, values: value in values,
    "not_in": lambda value, values: value not in values,
}
#: Each operator with a value that splits the ages 29, 30 and 31 its own way.
_CASES = [(op, (29, 31) if op in ("in", "not_in") else 30) for op in _PYTHON]
_AGES = (29, 30, 31)


@pytest.mark.parametrize(("op", "value"), _CASES)
def test_every_operator_and_its_negation_hold_exactly_as_python_compares(
    op: str, value: Any
) -> None:
    test = FactTest("age", op, value)
    negated = push_negations(Not(test))
    assert negated == FactTest("age", NEGATED_OP[op], value)
    compiled, compiled_not = compile_condition(test), compile_condition(Not(test))
    chain = compile_first_match([test, Not(test)])
    for age in _AGES:
        expected = _PYTHON[op](age, value)
        facts = {"age": age}
        assert holds(test, age) is expected, (op, age)
        assert holds(negated, age) is not expected, (op, age)
        assert compiled(facts) is expected, (op, age)
        assert compiled_not(facts) is not expected, (op, age)
        assert compile_condition(negated)(facts) is not expected, (op, age)
        assert chain(facts) == (0 if expected else 1)
        assert partial(test, facts) is expected
        assert partial(Not(test), facts) is (not expected)


def test_every_operator_is_described_in_words() -> None:
    words = [describe_test(FactTest("age", op, value)) for op, value in _CASES]
    assert words == [
        "age is 30",
        "age is not 30",
        "age is less than 30",
        "age is at most 30",
        "age is more than 30",
        "age is at least 30",
        "age is one of 29, 31",
        "age is none of 29, 31",
    ]


def test_negations_are_pushed_through_all_and_any_by_de_morgan() -> None:
    young, old = FactTest("age", "lt", 30), FactTest("age", "ge", 60)
    pushed = push_negations(Not(AnyOf((young, All((old, Not(young)))))))
    assert pushed == All((FactTest("age", "ge", 30), AnyOf((FactTest("age", "lt", 60), young))))
    assert push_negations(Not(Not(young))) == young


def test_empty_all_always_holds_and_empty_any_never_does() -> None:
    assert compile_condition(All(()))({}) is True
    assert compile_condition(AnyOf(()))({}) is False
    assert partial(All(()), {}) is True
    assert partial(AnyOf(()), {}) is False


def test_a_partial_answer_is_none_only_while_an_unknown_fact_can_still_decide() -> None:
    young, local = FactTest("age", "lt", 30), FactTest("municipality", "eq", "049")
    both, either = All((young, local)), AnyOf((young, local))
    assert partial(both, {"age": 20}) is None
    assert partial(both, {"age": 40}) is False
    assert partial(either, {"age": 20}) is True
    assert partial(either, {"age": 40}) is None
    assert partial(Not(either), {"age": 40}) is None
    assert partial(both, {"age": 20, "municipality": "049"}) is True
    assert partial(either, {"age": 40, "municipality": "235"}) is False


def _engines() -> list[RoutingEngine]:
    engines: list[RoutingEngine] = [ReferenceEngine()]
    if DURABLE_RULES_AVAILABLE:
        engines.append(make_engine("durable_rules"))
    return engines


@pytest.fixture(scope="module")
def operator_rulebooks(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[tuple[str, bool], Rulebook]:
    """For every operator, with and without ``not``, a rulebook whose rule ``hit`` tests age."""
    rulebooks = {}
    for op, value in _CASES:
        for negated in (False, True):
            test = f"{{age: {{{op}: {list(value) if isinstance(value, tuple) else value}}}}}"
            when = f"{{not: {test}}}" if negated else test
            folder = tmp_path_factory.mktemp(f"{op}_{negated}")
            for part in ("facts.yaml", "districts.yaml"):
                shutil.copy(PACKAGED / part, folder / part)
            (folder / "rules.yaml").write_text(
                "rules:\n"
                "  - {id: hit, description: d, reference: r, valid_from: 2025-01-01,"
                f" priority: 2, when: {when}, then: {{route: in_house, unit: hit}}}}\n"
                "  - {id: miss, description: d, reference: r, valid_from: 2025-01-01,"
                " priority: 1, when: {all: []}, then: {route: in_house, unit: miss}}\n",
                encoding="utf-8",
            )
            rulebooks[op, negated] = Rulebook.load(folder)
    return rulebooks


@pytest.mark.parametrize("engine", _engines(), ids=lambda engine: engine.name)
@pytest.mark.parametrize(("op", "value"), _CASES)
@pytest.mark.parametrize("negated", [False, True], ids=["as_written", "negated"])
def test_each_engine_fires_a_rule_exactly_when_its_operator_or_negation_holds(
    engine: RoutingEngine,
    op: str,
    value: Any,
    negated: bool,
    operator_rulebooks: dict[tuple[str, bool], Rulebook],
) -> None:
    rulebook = operator_rulebooks[op, negated]
    for age in _AGES:
        fires = _PYTHON[op](age, value) is not negated
        decision = engine.decide(
            rulebook, {**COACHING_CLIENT_FACTS, "age": age}, on=date(2025, 6, 2)
        )
        assert decision.rule_id == ("hit" if fires else "miss"), (op, negated, age)


# -- the condition language beyond the operators ----------------------------------------------

CATALOGUE = default_rulebook().facts
AGE_FROM_15 = FactDefinition("age", "integer", minimum=15)
AGE_UP_TO_100 = FactDefinition("age", "integer", maximum=100)
FEE = FactDefinition("fee", "money")
YOUNG, UNDER_30 = FactTest("young", "eq", True), FactTest("age", "lt", 30)


def _parsed(raw: object, *, archived: bool = False) -> tuple[Condition | None, list[str]]:
    problems: list[str] = []
    condition = parse_condition(raw, CATALOGUE, "w", problems, archived=archived)
    return condition, problems


@pytest.mark.parametrize(
    ("definition", "op", "value", "problem"),
    [
        (AGE_FROM_15, "eq", 14, "14 is not a value of age, which is at least 15"),
        (AGE_FROM_15, "lt", 15, "'age is less than 15' never holds: age is at least 15"),
        (AGE_UP_TO_100, "in", (50, 101), "101 is not a value of age, which is at most 100"),
        (AGE_UP_TO_100, "gt", 100, "'age is more than 100' never holds: age is at most 100"),
        (AGE_FROM_15, "gt", 10**6, None),
        (AGE_UP_TO_100, "lt", -(10**6), None),
        (FactDefinition("age", "integer"), "eq", -1, None),
    ],
)
def test_a_one_sided_range_refuses_only_the_values_beyond_its_bound(
    definition: FactDefinition, op: str, value: Any, problem: str | None
) -> None:
    assert definition.impossible(op, value) == problem


def test_a_money_value_is_written_as_text_with_cents() -> None:
    assert FEE.literal("1500.00") == (150_000, None)
    assert FEE.literal(Decimal("0.5")) == (50, None)
    for wrong in (1500, True):
        assert FEE.literal(wrong) == (
            None,
            f"fee is money: write it with cents as text, '1500.00', not {wrong!r}",
        )
    assert FEE.literal("1.234") == (
        None,
        "an amount of money has at most two decimals (cents): '1.234'",
    )


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ({}, "w: a condition is a non-empty mapping, not {}"),
        ("young", "w: a condition is a non-empty mapping, not 'young'"),
        ({"all": [], "young": True}, "w: 'all' must stand alone in its mapping"),
        ({"age": {}}, "w: age needs at least one test"),
        (
            {"service_type": {"in": "coaching"}},
            "w: service_type in needs a non-empty list, not 'coaching'",
        ),
        ({"service_type": {"not_in": []}}, "w: service_type not_in needs a non-empty list, not []"),
        ({"age": 200}, "w: 200 is not a value of age, which runs from 15 to 100"),
        (
            {"not": {"age": {"in": [200]}}},
            "w: 200 is not a value of age, which runs from 15 to 100",
        ),
    ],
)
def test_a_condition_with_a_mistake_is_refused_as_a_whole_naming_the_mistake(
    raw: object, problem: str
) -> None:
    assert _parsed(raw) == (None, [problem])


def test_one_refused_test_refuses_the_whole_mapping_it_stands_in() -> None:
    assert _parsed({"young": True, "age": 200})[0] is None
    assert _parsed({"young": True, "age": 20}) == (
        All((YOUNG, FactTest("age", "eq", 20))),
        [],
    )
    assert _parsed({"not": {"any": [{"young": True}]}}) == (Not(AnyOf((YOUNG,))), [])


def test_an_archived_condition_is_read_as_written_even_under_a_not() -> None:
    assert _parsed({"not": {"age": {"in": [200]}}}, archived=True) == (
        Not(FactTest("age", "in", (200,))),
        [],
    )
    assert _parsed({"all": [{"age": 7}]}, archived=True) == (All((FactTest("age", "eq", 7),)), [])


def test_the_values_of_an_in_list_are_kept_in_the_order_of_their_written_text() -> None:
    # The canonical text, and so the rulebook's version, must not depend on the list's order;
    # the order is that of the values' repr, which archived versions were hashed with.
    for written in ([100, 29, 31], [31, 100, 29]):
        assert _parsed({"age": {"in": written}}) == (FactTest("age", "in", (100, 29, 31)), [])


def test_a_condition_in_canonical_form_keeps_its_not() -> None:
    condition = Not(All((YOUNG, FactTest("age", "in", (20, 25)))))
    data = condition_to_data(condition, CATALOGUE)
    assert data == {"not": {"all": [{"young": {"eq": True}}, {"age": {"in": [20, 25]}}]}}
    assert _parsed(data) == (condition, [])


def test_a_chain_of_conditions_gives_minus_one_when_none_holds() -> None:
    assert compile_first_match([])({}) == -1
    assert compile_first_match([UNDER_30, YOUNG])({"age": 40, "young": False}) == -1
    assert compile_first_match([UNDER_30, YOUNG])({"age": 40, "young": True}) == 1


def test_generated_code_reads_each_fact_from_the_variable_named_for_it() -> None:
    constants: list[Any] = []
    variables = {"age": "v0", "young": "v1"}
    over_60 = FactTest("age", "ge", 60)
    source = condition_source(Not(AnyOf((UNDER_30, All((YOUNG, over_60))))), constants, variables)
    assert source == "(not ((v0 < _c0) or ((v1 == _c1) and (v0 >= _c2))))"
    assert constants == [30, True, 60]
    assert condition_source(All(()), [], variables) == "True"


def test_the_facts_and_tests_of_a_condition_are_found_under_every_not() -> None:
    condition = AnyOf((Not(All((UNDER_30, YOUNG))), Not(FactTest("age", "ge", 60))))
    assert condition_facts(condition) == ["age", "young"]
    assert condition_tests(condition) == [UNDER_30, YOUNG, FactTest("age", "ge", 60)]
    assert condition_tests(Not(YOUNG)) == [YOUNG]


def test_a_condition_is_described_with_values_as_a_rule_file_writes_them() -> None:
    catalogue = {**CATALOGUE, "fee": FEE, "code": FactDefinition("code", "enum", values=("AB",))}
    condition = Not(
        AnyOf(
            (
                All((YOUNG, FactTest("fee", "lt", 150_000))),
                FactTest("code", "eq", "AB"),
            )
        )
    )
    assert describe_condition(condition, catalogue) == (
        "not (((young is true) and (fee is less than 1500.00)) or (code is AB))"
    )
    assert describe_condition(All(()), catalogue) == "always"
    assert describe_test(FactTest("fee", "in", (100, 250)), catalogue) == "fee is one of 1.00, 2.50"
    assert describe_test(FactTest("fee", "eq", 100)) == "fee is 100"  # no catalogue: as stored
