"""The auditor's evidence from the command line: signed anchors, the unsealed tail named, a
structured verification, and an evidence bundle exported and checked offline."""

from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile
from datetime import date
from pathlib import Path

import pytest

from employment_domain import EmploymentArea
from employment_domain.audit.seals import SEAL_CHAIN_ID
from employment_domain.cli.main import main
from tests.test_cli_audit import demo_db, store

__all__ = ["demo_db", "store"]  # the audit tests' demo store, shared


@pytest.fixture
def key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "anchor-key.pem"
    assert main(["audit", "keygen", "--out", str(path)]) == 0
    capsys.readouterr()
    return path


def seal(store: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    assert main(["audit", "seal", "--db", str(store), *extra]) == 0
    return capsys.readouterr().out.strip()


def test_keygen_writes_a_private_key_only_its_owner_reads_and_a_public_key(key: Path) -> None:
    assert key.stat().st_mode & 0o077 == 0
    assert b"PRIVATE KEY" in key.read_bytes()
    assert b"PUBLIC KEY" in key.with_name(key.name + ".pub").read_bytes()


def test_a_signed_anchor_verifies_with_the_public_key_and_a_forged_one_is_refused(
    store: Path, key: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    signed = seal(store, capsys, "--signing-key", str(key))
    assert ".ed25519." in signed
    public = str(key.with_name(key.name + ".pub"))
    verify = ["audit", "verify", "--db", str(store), "--public-key", public, "--anchor"]
    assert main([*verify, signed]) == 0
    capsys.readouterr()
    position = int(signed.split(":")[1])
    forged = signed.replace(f"ea1:{position}:", f"ea1:{position - 1}:", 1)
    assert main([*verify, forged]) == 1
    assert "origin is not proven" in capsys.readouterr().err
    unsigned = signed.split(".ed25519.")[0]
    assert main([*verify, unsigned]) == 1
    assert "no signature" in capsys.readouterr().err


def test_events_after_the_anchor_are_named_and_strict_refuses_them(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    anchor = seal(store, capsys)
    with EmploymentArea(str(store)) as area:
        area.start_job_search(on=date(2026, 1, 5), municipality="049", birth_date=date(1990, 1, 1))
        head = area.head_position()
    assert main(["audit", "verify", "--db", str(store), "--anchor", anchor]) == 0
    out = capsys.readouterr().out
    assert f"unsealed: 1 event(s) at positions {head}–{head}" in out
    assert "no differences in what was checked" in out
    assert main(["audit", "verify", "--db", str(store), "--anchor", anchor, "--strict"]) == 1
    assert "unsealed" in capsys.readouterr().err


def test_with_every_seal_deleted_and_no_anchor_integrity_is_not_proven_and_strict_fails(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    connection = sqlite3.connect(store)
    with connection:
        connection.execute(
            "DELETE FROM stored_events WHERE originator_id = ?", (SEAL_CHAIN_ID.hex,)
        )
    connection.close()
    store.with_name("area.readmodel.db").unlink()
    assert main(["audit", "verify", "--db", str(store)]) == 0
    out = capsys.readouterr().out
    assert "integrity: NOT PROVEN" in out and "skipped" not in out
    assert "the history hold" not in out
    assert main(["audit", "verify", "--db", str(store), "--strict"]) == 1
    assert "integrity is not proven" in capsys.readouterr().err


def test_verify_as_json_gives_the_counts_an_auditor_files(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    anchor = seal(store, capsys)
    assert (
        main(["audit", "verify", "--db", str(store), "--anchor", anchor, "--format", "json"]) == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["events_replayed"] == data["position"] > 0
    assert data["decisions"]["checked"] == data["decisions"]["matched"] > 0
    assert len(data["decisions"]["rulebook_versions"]) >= 1
    assert data["seal_positions"][-1] == int(anchor.split(":")[1])
    assert data["unsealed_tail"]["events"] == 0
    assert data["integrity"]["proven"] is True and data["complete"] is True
    assert data["projections"]["not_checked"] == [] and data["findings"] == []


def test_an_exported_bundle_checks_offline_and_a_changed_byte_is_named(
    store: Path, key: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = tmp_path / "evidence-2025.zip"
    export = ["audit", "export", "--db", str(store), "--year", "2025", "--out", str(bundle)]
    assert main([*export, "--signing-key", str(key)]) == 0
    capsys.readouterr()
    elsewhere = tmp_path / "auditor" / "bundle.zip"
    elsewhere.parent.mkdir()
    shutil.copy(bundle, elsewhere)
    store.unlink()
    public = str(key.with_name(key.name + ".pub"))
    assert main(["audit", "check-bundle", str(elsewhere), "--public-key", public]) == 0
    assert "signatures hold" in capsys.readouterr().out
    changed = tmp_path / "changed.zip"
    with zipfile.ZipFile(elsewhere) as source, zipfile.ZipFile(changed, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "reports/budget.json":
                data = data.replace(b"1", b"2", 1)
            target.writestr(info.filename, data)
    assert main(["audit", "check-bundle", str(changed), "--public-key", public]) == 1
    assert "reports/budget.json" in capsys.readouterr().out
