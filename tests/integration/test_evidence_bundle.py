"""The auditor's evidence bundle: written from a store, checked later without the database, and
any change to any file of it (or a rulebook swapped in, or a signature forged) is found and named.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from employment_domain import Anchor
from employment_domain.audit.signing import (
    AnchorSignatureError,
    AnchorSigningKey,
    SignedAnchor,
)
from employment_domain.reports.evidence import check_bundle, export_bundle

RELEASE = Path(__file__).parent.parent / "stores" / "release-0.1.0"


@pytest.fixture(scope="module")
def key() -> AnchorSigningKey:
    return AnchorSigningKey.generate()


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory, key: AnchorSigningKey) -> Path:
    folder = tmp_path_factory.mktemp("evidence")
    shutil.copy(RELEASE / "area.db", folder / "area.db")
    out = folder / "bundle.zip"
    export_bundle(str(folder / "area.db"), year=2025, out=out, signing_key=key)
    return out


def rewrite(bundle: Path, out: Path, changes: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(bundle) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, changes.get(info.filename, source.read(info)))
    return out


def names(bundle: Path) -> list[str]:
    with zipfile.ZipFile(bundle) as opened:
        return opened.namelist()


def test_a_bundle_holds_the_reports_rulebooks_parameters_seals_and_verification(
    bundle: Path,
) -> None:
    files = names(bundle)
    for expected in (
        "manifest.json",
        "manifest.sig",
        "anchor.txt",
        "seals.json",
        "verification.json",
        "reports/cost-split.json",
        "reports/caseload.csv",
        "parameters/cost_split.yaml",
    ):
        assert expected in files
    assert any(name.startswith("rulebooks/") for name in files)
    with zipfile.ZipFile(bundle) as opened:
        verification = json.loads(opened.read("verification.json"))
        manifest = json.loads(opened.read("manifest.json"))
    assert verification["integrity"]["intact"] is True
    assert verification["decisions"]["checked"] == verification["decisions"]["matched"] > 0
    assert manifest["year"] == 2025 and manifest["library_version"]


def test_a_bundle_checks_clean_in_a_folder_without_the_database(
    bundle: Path, key: AnchorSigningKey, tmp_path: Path
) -> None:
    alone = tmp_path / "elsewhere" / "bundle.zip"
    alone.parent.mkdir()
    shutil.copy(bundle, alone)
    assert not list(alone.parent.glob("*.db"))
    checked = check_bundle(alone, public_key=key.verify_key)
    assert checked.clean, checked.problems
    assert checked.signed and checked.files == len(names(bundle))


def test_one_changed_byte_in_any_file_is_found_and_the_file_named(
    bundle: Path, key: AnchorSigningKey, tmp_path: Path
) -> None:
    with zipfile.ZipFile(bundle) as opened:
        contents = {name: opened.read(name) for name in opened.namelist()}
    for name, data in contents.items():
        changed = bytearray(data)
        if changed:
            changed[len(changed) // 2] ^= 0x01
        else:  # an empty file (a report with no rows in a given form) gains a byte instead
            changed.append(0x0A)
        copy = rewrite(bundle, tmp_path / "changed.zip", {name: bytes(changed)})
        checked = check_bundle(copy, public_key=key.verify_key)
        assert not checked.clean, name
        assert any(name in problem.split(":")[0] for problem in checked.problems), (name, checked)


def test_another_rulebook_swapped_in_with_a_matching_manifest_is_still_found(
    bundle: Path, tmp_path: Path
) -> None:
    with zipfile.ZipFile(bundle) as opened:
        manifest = json.loads(opened.read("manifest.json"))
    rulebook = next(name for name in manifest["files"] if name.startswith("rulebooks/"))
    other = b'{"rules": []}'
    manifest["files"][rulebook] = hashlib.sha256(other).hexdigest()
    copy = rewrite(
        bundle,
        tmp_path / "swapped.zip",
        {rulebook: other, "manifest.json": json.dumps(manifest).encode()},
    )
    problems = check_bundle(copy).problems
    assert any(rulebook in p and "does not hash to rulebook version" in p for p in problems)


def test_a_bundle_checked_with_another_key_is_refused_for_both_signatures(bundle: Path) -> None:
    stranger = AnchorSigningKey.generate().verify_key
    problems = check_bundle(bundle, public_key=stranger).problems
    assert any(p.startswith("anchor.txt") for p in problems)
    assert any("manifest.sig" in p.split(":")[0] for p in problems)


def test_an_anchor_with_a_forged_signature_is_refused(key: AnchorSigningKey) -> None:
    anchor = SignedAnchor.parse(str(key.sign(Anchor(10, "ab" * 32))))
    assert anchor.verify(key.verify_key) == Anchor(10, "ab" * 32)
    forged = SignedAnchor(Anchor(11, anchor.anchor.digest), anchor.signature)
    with pytest.raises(AnchorSignatureError, match="origin is not proven"):
        SignedAnchor.parse(str(forged)).verify(key.verify_key)
    with pytest.raises(AnchorSignatureError, match="no signature"):
        SignedAnchor.parse(str(anchor.anchor))


def test_the_same_history_exported_twice_gives_the_same_bundle_byte_for_byte(
    tmp_path: Path, key: AnchorSigningKey
) -> None:
    shutil.copy(RELEASE / "area.db", tmp_path / "area.db")
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    export_bundle(str(tmp_path / "area.db"), year=2025, out=first, signing_key=key)
    export_bundle(str(tmp_path / "area.db"), year=2025, out=second, signing_key=key)
    assert first.read_bytes() == second.read_bytes()
