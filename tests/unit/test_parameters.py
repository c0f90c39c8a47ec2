"""Dated parameters: the value in force on a date, and a strict loader."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from employment_domain import (
    ParameterError,
    ParameterFileError,
    Parameters,
    UnknownParameterError,
    default_parameters,
)


def test_the_initial_interview_deadline_changes_on_the_first_of_january_2026() -> None:
    parameters = default_parameters()
    assert parameters.value("initial_interview_working_days", date(2025, 12, 31)) == 5
    assert parameters.value("initial_interview_working_days", date(2026, 1, 1)) == 10


def test_decimal_values_are_read_exactly_never_as_floats() -> None:
    weight = default_parameters().value("cost_split_weight_population_18_64", date(2025, 6, 1))
    assert weight == Decimal("0.5") and isinstance(weight, Decimal)


def test_every_value_carries_its_reference() -> None:
    parameters = default_parameters()
    for name in parameters.names():
        for dated in parameters.history(name):
            assert dated.reference.strip(), name


def test_an_unknown_parameter_is_a_named_error() -> None:
    with pytest.raises(UnknownParameterError, match="no_such_thing"):
        default_parameters().value("no_such_thing", date(2025, 1, 1))


def test_a_date_before_any_value_is_a_named_error() -> None:
    with pytest.raises(ParameterError, match="2024-12-31"):
        default_parameters().value("young_age_limit_ohjaamo", date(2024, 12, 31))


def test_the_loader_reports_every_mistake_with_file_and_key(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        """
good: {description: ok, values: [{valid_from: 2025-01-01, value: 1, reference: r}]}
overlapping:
  description: x
  values:
    - {valid_from: 2025-01-01, value: 1, reference: r}
    - {valid_from: 2025-06-01, value: 2, reference: r}
bad_date:
  values: [{valid_from: 2025-13-01, value: 1, reference: r}]
unknown_key:
  colour: blue
  values: [{valid_from: 2025-01-01, value: 1, reference: r, typo: 3}]
""",
        encoding="utf-8",
    )
    (tmp_path / "b.yaml").write_text(
        "good: {values: [{valid_from: 2025-01-01, value: 2, reference: r}]}\n", encoding="utf-8"
    )
    with pytest.raises(ParameterFileError) as refused:
        Parameters.load(tmp_path)
    problems = refused.value.problems
    text = "\n".join(problems)
    assert "a.yaml: overlapping" in text and "overlap" in text
    assert "a.yaml: bad_date" in text and "2025-13-01" in text
    assert "a.yaml: unknown_key: unknown key 'colour'" in text
    assert "unknown key 'typo'" in text
    assert "b.yaml: good: already defined in a.yaml" in text
    assert len(problems) == 5
