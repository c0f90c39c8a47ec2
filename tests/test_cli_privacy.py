"""``privacy expire`` and ``privacy rotate-master-key`` from the command line."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from employment_domain import EmploymentArea, MasterKey, PersonalDataError, PersonalIdentityCode
from employment_domain.cli.main import main


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    key = MasterKey.generate()
    monkeypatch.setenv("EMPLOYMENT_AREA_MASTER_KEY", key.to_text())
    path = tmp_path / "area.db"
    with EmploymentArea(str(path), master_key=key) as area:
        client = area.start_job_search(
            on=date(2013, 1, 2), municipality="049", birth_date=date(1980, 1, 1)
        )
        area.record_personal_details(
            client,
            on=date(2013, 1, 2),
            identity_code=PersonalIdentityCode("010180-9026"),
            name="Testi",
        )
        area.end_job_search(client, on=date(2014, 6, 30), reason="employed")
    return path


def test_expire_counts_in_a_dry_run_then_erases(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expire = ["privacy", "expire", "--db", str(store), "--as-of", "2025-01-01"]
    assert main([*expire, "--dry-run"]) == 0
    assert "1 client(s)' personal data would be erased" in capsys.readouterr().out
    assert main(expire) == 0
    assert "1 client(s)' personal data erased" in capsys.readouterr().out
    assert main(expire) == 0
    assert "0 client(s)" in capsys.readouterr().out


def test_expire_needs_a_date_and_refuses_a_store_that_is_not_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["privacy", "expire", "--db", str(tmp_path / "area.db")]) == 2
    missing = ["privacy", "expire", "--db", str(tmp_path / "none.db"), "--as-of", "2025-01-01"]
    assert main(missing) == 1
    assert not (tmp_path / "none.db").exists()


def test_rotation_rewraps_the_keys_and_the_old_key_opens_nothing(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = MasterKey.from_text(os.environ["EMPLOYMENT_AREA_MASTER_KEY"])
    new = MasterKey.generate()
    new_file = tmp_path / "new-master.key"
    new_file.write_text(new.to_text())
    rotate = ["privacy", "rotate-master-key", "--db", str(store), "--new-key-file", str(new_file)]
    assert main(rotate) == 0
    assert f"1 data key(s) re-wrapped under master key {new.key_id}" in capsys.readouterr().out
    with EmploymentArea(str(store), master_key=new) as area:
        client = area.history()[0].originator_id
        assert area.personal_details(client).name == "Testi"
    with EmploymentArea(str(store), master_key=old) as area, pytest.raises(PersonalDataError):
        area.personal_details(client)
