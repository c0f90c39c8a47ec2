"""``allocate`` by the area's criteria as data: a third criterion, reference dates, bad files."""

from __future__ import annotations

import json
import shutil
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from employment_domain.cli.main import main
from employment_domain.ledgers.criteria import CriteriaError, SplitCriteria
from employment_domain.parameters import Parameters, default_parameters

TAMPERE_REGION = Path(__file__).resolve().parents[1] / "examples" / "tampere-region"

THREE_CRITERIA = """
cost_split_criteria:
  description: The criteria of the split, each a named count per municipality with its weight.
  unit: criteria
  values:
    - valid_from: 2025-01-01
      value:
        - {name: population_18_64, weight: "2/5", count: residents aged 18–64}
        - {name: unemployed_broad, weight: "2/5", count: broadly unemployed}
        - {name: foreign_language_speakers, weight: "WEIGHT", count: foreign-language residents}
      status: assumption
      why: "A test area that weighs a third count, to show that criteria are data."
      reference: "Test area: an illustration"

cost_split_reference_date_foreign_language_speakers:
  description: The date each municipality's foreign-language speakers are counted on.
  unit: reference_date_rule
  values:
    - valid_from: 2025-01-01
      value: end_of_previous_year
      status: assumption
      why: "Population by language is final for the end of a closed year."
      reference: "Test area: an illustration"
"""

BASIS = """municipality,population_18_64,unemployed_broad,foreign_language_speakers
837,150000,16000,7000
536,20000,1200,500
980,20000,1000,600
211,20000,1000,400
418,15000,600,500
604,25000,200,1000
"""


def three_criteria_area(tmp_path: Path, weight: str = "1/5") -> Path:
    """The example Tampere region with a third criterion in its cost split."""
    rules = tmp_path / "rules"
    shutil.copytree(TAMPERE_REGION, rules)
    with (rules / "parameters" / "cost_split.yaml").open("a", encoding="utf-8") as file:
        file.write(THREE_CRITERIA.replace("WEIGHT", weight))
    return rules


def allocate(rules: Path, basis: Path, *extra: str) -> int:
    args = ["--rules", str(rules), "allocate", "--net-cost", "1000000.07", "--basis", str(basis)]
    return main([*args, "--on", "2025-12-31", *extra])


def test_allocate_splits_by_a_third_criterion_between_six_pirkanmaa_municipalities_as_by_hand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Weights 2/5, 2/5, 1/5. Totals: 250 000 aged 18–64, 20 000 broadly unemployed, 10 000
    # foreign-language speakers. Shares of each column and the weighted sum:
    #   Tampere   837: 0.60, 0.80, 0.70 → 0.24  + 0.32  + 0.14  = 0.700
    #   Nokia     536: 0.08, 0.06, 0.05 → 0.032 + 0.024 + 0.010 = 0.066
    #   Ylöjärvi  980: 0.08, 0.05, 0.06 → 0.032 + 0.020 + 0.012 = 0.064
    #   Kangasala 211: 0.08, 0.05, 0.04 → 0.032 + 0.020 + 0.008 = 0.060
    #   Lempäälä  418: 0.06, 0.03, 0.05 → 0.024 + 0.012 + 0.010 = 0.046
    #   Pirkkala  604: 0.10, 0.01, 0.10 → 0.040 + 0.004 + 0.020 = 0.064
    #                                                        sum = 1.000
    # Net cost 1 000 000.07 € = 100 000 007 cents; exact cents = share × 100 000 007:
    #   70 000 004.9, 6 600 000.462, 6 400 000.448, 6 000 000.42, 4 600 000.322, 6 400 000.448.
    # Whole cents sum to 100 000 004; three cents are left, to the largest remainders: .9
    # Tampere, .462 Nokia, then one of the two equal .448s. Ylöjärvi and Pirkkala have equal
    # shares, so the first criterion decides: Pirkkala's 25 000 beat Ylöjärvi's 20 000.
    #   700 000.05 + 66 000.01 + 64 000.00 + 60 000.00 + 46 000.00 + 64 000.01 = 1 000 000.07
    basis = tmp_path / "pirkanmaa.csv"
    basis.write_text(BASIS, encoding="utf-8")
    assert allocate(three_criteria_area(tmp_path), basis, "--format", "json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert {row["municipality"]: Decimal(row["amount"]) for row in rows} == {
        "837": Decimal("700000.05"),
        "536": Decimal("66000.01"),
        "980": Decimal("64000.00"),
        "211": Decimal("60000.00"),
        "418": Decimal("46000.00"),
        "604": Decimal("64000.01"),
        "total": Decimal("1000000.07"),
    }
    by_code = {row["municipality"]: row for row in rows}
    assert by_code["604"]["foreign_language_speakers_share"] == "0.100000"
    assert by_code["604"]["share"] == "0.064000"
    assert by_code["total"]["foreign_language_speakers"] == 10000


def test_the_packaged_area_splits_by_two_criteria_at_fifty_fifty_with_dated_reference_days() -> (
    None
):
    criteria = SplitCriteria.in_force(default_parameters(), date(2025, 12, 31))
    assert [(c.name, c.weight) for c in criteria.criteria] == [
        ("population_18_64", Fraction(1, 2)),
        ("unemployed_broad", Fraction(1, 2)),
    ]
    assert [c.reference_date(date(2025, 6, 30)) for c in criteria.criteria] == [
        date(2024, 12, 31),
        date(2025, 12, 31),
    ]
    assert [s.status for s in criteria.sources] == ["seed", "seed"]


def test_criteria_whose_weights_do_not_sum_to_one_are_refused_naming_the_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = three_criteria_area(tmp_path, weight="1/4")
    with pytest.raises(CriteriaError, match=r"cost_split\.yaml: cost_split_criteria .* sum to 1"):
        SplitCriteria.in_force(Parameters.load(rules / "parameters"), date(2025, 12, 31))
    basis = tmp_path / "pirkanmaa.csv"
    basis.write_text(BASIS, encoding="utf-8")
    assert allocate(rules, basis) == 1
    assert "cost_split_criteria" in capsys.readouterr().err


DATED = (
    "municipality,population_18_64,population_18_64_reference_date,unemployed_broad\n"
    "837,150000,2024-12-31,16000\n536,20000,DAY,1200\n"
)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (BASIS.replace(",foreign_language_speakers", ""), "lacks column(s) foreign_language"),
        (BASIS.replace("speakers\n", "speakers,pensioners\n"), "pensioners"),
        (BASIS + "837,1,1,1\n", "line 8: municipality 837 Tampere is already on line 2"),
        (BASIS + "049,1,1,1\n", "not a contracting municipality of the area: 049 Espoo"),
        (BASIS.replace("600,500", "600,-500"), "foreign_language_speakers must be a whole"),
        (BASIS.replace("600,500", "600,500.5"), "'500.5'"),
    ],
    ids=["missing", "unknown", "twice", "outside the area", "negative", "fraction"],
)
def test_allocate_refuses_a_bad_criteria_basis_with_one_named_line(
    content: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    basis = tmp_path / "basis.csv"
    basis.write_text(content, encoding="utf-8")
    assert allocate(three_criteria_area(tmp_path), basis) == 1
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("2025-06-30", "population_18_64_reference_date must be one date for every municipality"),
        ("2024-12-31", None),
    ],
    ids=["two dates", "one date"],
)
def test_a_basis_counted_on_two_reference_dates_is_refused_naming_the_file_and_the_key(
    day: str, message: str | None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    basis = tmp_path / "dated.csv"
    basis.write_text(DATED.replace("DAY", day), encoding="utf-8")
    code = allocate(TAMPERE_REGION, basis)
    err = capsys.readouterr().err
    if message is None:
        assert code == 0 and err == ""
    else:
        assert code == 1 and f"dated.csv: {message}" in err and "BasisDateError" not in err


def test_a_reference_date_other_than_the_rules_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    basis = tmp_path / "dated.csv"
    basis.write_text(DATED.replace("2024-12-31", "2025-12-31").replace("DAY", "2025-12-31"))
    assert allocate(TAMPERE_REGION, basis) == 1
    err = capsys.readouterr().err
    assert "population_18_64_reference_date is 2025-12-31" in err and "2024-12-31" in err
