"""Importing the transferred jobseekers in one go: all rows or none."""

from __future__ import annotations

from datetime import date

import pytest

from employment_domain import EmploymentArea, MunicipalityError
from employment_domain.commands.clients import ClientImportError
from employment_domain.store.service import application_of


def _row(**changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "on": date(2025, 1, 2),
        "municipality": "049",
        "birth_date": date(1985, 3, 4),
        "district": "Matinkylä",
    }
    row.update(changes)
    return row


def test_an_import_registers_every_jobseeker_in_batches() -> None:
    area = EmploymentArea(":memory:")
    ids = area.import_jobseekers([_row(), _row(municipality="235"), _row()], batch_size=2)
    assert len(set(ids)) == 3
    assert area.get_client(ids[1]).municipality.code == "235"
    assert len(application_of(area).notification_log.select(start=1, limit=10)) == 3


def test_one_bad_row_refuses_the_whole_import_and_names_the_row() -> None:
    area = EmploymentArea(":memory:")
    with pytest.raises(ClientImportError, match=r"jobseeker 2.*999") as refused:
        area.import_jobseekers([_row(), _row(municipality="999"), _row()])
    assert isinstance(refused.value.__cause__, MunicipalityError)
    assert application_of(area).notification_log.select(start=1, limit=10) == []


def test_a_row_with_an_unknown_fact_is_refused() -> None:
    area = EmploymentArea(":memory:")
    with pytest.raises(ClientImportError, match=r"jobseeker 1.*shoe_size"):
        area.import_jobseekers([_row(shoe_size=44)])
    assert application_of(area).notification_log.select(start=1, limit=10) == []


def test_an_imported_client_is_the_client_a_single_registration_makes() -> None:
    area = EmploymentArea(":memory:")
    facts = _row(mother_tongue="so", education_level="bachelor", partially_able_to_work=True)
    (imported,) = area.import_jobseekers([facts])
    single = area.start_job_search(**facts)  # type: ignore[arg-type]
    as_imported, as_single = area.client_state(imported), area.client_state(single)
    assert {k: v for k, v in as_imported.items() if k != "id"} == {
        k: v for k, v in as_single.items() if k != "id"
    }
    assert area.client_history(imported)[0]["type"] == area.client_history(single)[0]["type"]
