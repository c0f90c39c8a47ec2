"""The auditor's evidence bundle: a year's reports with everything that proves them, in one file
that is checked later without the database.

``export_bundle`` writes a zip file: every report of the year (JSON and CSV), built from zero
from the events in a scratch read model so that no live table is trusted; the canonical text of
each rulebook version that decided in the year (its file name is its SHA-256, the version the
decisions record); the parameter files in force; the seals and the latest anchor, signed when the
area's key is given; the structured verification result (the history against the anchor, every
decision re-run under its own rulebook); the library's version; and a manifest with the SHA-256
of every file, itself signed with the anchor's key. ``check_bundle`` checks all of it offline.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterable
from importlib.metadata import version as package_version
from importlib.resources import files
from pathlib import Path
from typing import Any

import attrs

from employment_domain.audit.coverage import seal_records, unsealed_tail
from employment_domain.audit.recorded_decisions import recheck_decisions
from employment_domain.audit.seals import Anchor, latest_anchor, verify_history
from employment_domain.audit.signing import (
    AnchorSignatureError,
    AnchorSigningKey,
    AnchorVerifyKey,
    SignedAnchor,
)
from employment_domain.errors import EmploymentDomainError
from employment_domain.reports.read import available_reports, read_all, report_rows
from employment_domain.tabulate import render

__all__ = ["BUNDLE_FORMAT", "BundleCheck", "BundleError", "check_bundle", "export_bundle"]

#: The bundle's format, in its manifest; a later format gets a new number.
BUNDLE_FORMAT = "employment-area-evidence/1"
_MANIFEST, _MANIFEST_SIGNATURE = "manifest.json", "manifest.sig"
_CONTEXT = b"employment_domain evidence manifest v1\0"
#: The time every entry of a bundle carries: the earliest a ZIP file can hold.
_ENTRY_TIME = (1980, 1, 1, 0, 0, 0)


class BundleError(EmploymentDomainError):
    """An evidence bundle that cannot be written or read (not: one whose check found problems)."""


@attrs.frozen
class BundleCheck:
    """What :func:`check_bundle` found: the files checked and every problem, by file."""

    files: int
    problems: tuple[str, ...]
    signed: bool

    @property
    def clean(self) -> bool:
        """Whether every file matched the manifest and every hash and signature held."""
        return not self.problems


def export_bundle(
    db: str | None,
    *,
    year: int,
    out: Path,
    signing_key: AnchorSigningKey | None = None,
) -> dict[str, Any]:
    """Write the evidence bundle of ``year`` of the store ``db`` to ``out``; return the manifest."""
    contents: dict[str, bytes] = {}
    with read_all(db, scratch=True) as (app, model):
        from employment_domain.projections import projection_named

        for name in available_reports():
            rows = report_rows(model, projection_named(name), year=year)
            contents[f"reports/{name}.json"] = _json(rows)
            contents[f"reports/{name}.csv"] = render(rows, "csv").encode("utf-8")
        recheck = recheck_decisions(app, year=year)
        versions = {version: app.rulebook_for(version) for version in recheck.rulebook_versions}
        for version, rulebook in versions.items():
            contents[f"rulebooks/{version}.json"] = rulebook.canonical_text.encode("utf-8")
        anchor = latest_anchor(app)
        integrity: dict[str, Any] = {"anchor": None, "intact": None}
        if anchor is not None:
            verification = verify_history(app, anchor)
            integrity = {
                "anchor": str(anchor),
                "intact": verification.intact,
                "events_checked": verification.events_checked,
                "first_difference": verification.first_difference,
                "detail": verification.detail,
            }
        contents["seals.json"] = _json(seal_records(app))
        tail = unsealed_tail(app)
        store = app.store_description
        head = app.head_position()
    if anchor is not None:
        signed = signing_key.sign(anchor) if signing_key is not None else None
        contents["anchor.txt"] = f"{signed if signed is not None else anchor}\n".encode("ascii")
    contents["verification.json"] = _json(
        {
            "integrity": integrity,
            "unsealed_tail": tail,
            "decisions": {
                "checked": recheck.checked,
                "matched": recheck.matched,
                "differences": [finding.to_dict() for finding in recheck.findings],
            },
            "rulebook_versions": sorted(versions),
        }
    )
    for resource in _parameter_files():
        contents[f"parameters/{resource.name}"] = resource.read_bytes()
    manifest = {
        "format": BUNDLE_FORMAT,
        "library_version": package_version("employment-domain"),
        "year": year,
        "store": store,
        "head_position": head,
        "files": {name: _sha256(data) for name, data in sorted(contents.items())},
    }
    manifest_bytes = _json(manifest)
    try:
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            for name, data in sorted(contents.items()):
                _write(bundle, name, data)
            _write(bundle, _MANIFEST, manifest_bytes)
            if signing_key is not None:
                signature = signing_key.key.sign(_CONTEXT + manifest_bytes)
                _write(bundle, _MANIFEST_SIGNATURE, (signature.hex() + "\n").encode("ascii"))
    except OSError as error:
        raise BundleError(f"cannot write the bundle {str(out)!r}: {error.strerror}") from None
    return manifest


def check_bundle(path: Path, *, public_key: AnchorVerifyKey | None = None) -> BundleCheck:
    """Check a bundle offline: every file against the manifest, every rulebook against its
    version, the anchor against the seals, and, with ``public_key``, both signatures."""
    try:
        with zipfile.ZipFile(path) as bundle:
            stored = {info.filename: bundle.read(info) for info in bundle.infolist()}
    except (OSError, zipfile.BadZipFile, KeyError) as error:
        raise BundleError(f"cannot read the bundle {str(path)!r}: {error}") from None
    problems: list[str] = []
    try:
        manifest = json.loads(stored[_MANIFEST])
        listed: dict[str, str] = dict(manifest["files"])
    except (KeyError, ValueError, TypeError):
        raise BundleError(f"{str(path)!r} has no readable {_MANIFEST}") from None
    if manifest.get("format") != BUNDLE_FORMAT:
        problems.append(f"{_MANIFEST}: format {manifest.get('format')!r} is not {BUNDLE_FORMAT}")
    for name in sorted(set(stored) - set(listed) - {_MANIFEST, _MANIFEST_SIGNATURE}):
        problems.append(f"{name}: not in the manifest")
    for name, digest in sorted(listed.items()):
        if name not in stored:
            problems.append(f"{name}: listed in the manifest but missing")
        elif _sha256(stored[name]) != digest:
            problems.append(f"{name}: its SHA-256 differs from the manifest's")
    for name, data in sorted(stored.items()):
        if name.startswith("rulebooks/") and name.endswith(".json"):
            version = name.removeprefix("rulebooks/").removesuffix(".json")
            if _sha256(data) != version:
                problems.append(f"{name}: its text does not hash to rulebook version {version}")
    problems.extend(_check_anchor(stored))
    if public_key is not None:
        problems.extend(_check_signatures(stored, public_key))
    return BundleCheck(len(stored), tuple(problems), public_key is not None)


def _check_anchor(stored: dict[str, bytes]) -> Iterable[str]:
    if "anchor.txt" not in stored:
        return
    text = stored["anchor.txt"].decode("ascii", "replace").strip()
    try:
        anchor = SignedAnchor.parse(text).anchor if ".ed25519." in text else Anchor.parse(text)
    except EmploymentDomainError as error:
        yield f"anchor.txt: {error}"
        return
    try:
        seals = json.loads(stored.get("seals.json", b"[]"))
        last = seals[-1] if seals else None
    except (ValueError, TypeError):
        yield "seals.json: not JSON"
        return
    if last is None or (last.get("position"), last.get("digest")) != (
        anchor.position,
        anchor.digest,
    ):
        yield "anchor.txt: the anchor is not the digest of the last seal in seals.json"


def _check_signatures(stored: dict[str, bytes], key: AnchorVerifyKey) -> Iterable[str]:
    text = stored.get("anchor.txt", b"").decode("ascii", "replace").strip()
    try:
        SignedAnchor.parse(text).verify(key)
    except AnchorSignatureError as error:
        yield f"anchor.txt: {error}"
    signature_text = stored.get(_MANIFEST_SIGNATURE, b"").decode("ascii", "replace").strip()
    try:
        key.key.verify(bytes.fromhex(signature_text), _CONTEXT + stored[_MANIFEST])
    except Exception:  # a malformed or forged signature: either way not the key's
        signed_files = f"{_MANIFEST}, {_MANIFEST_SIGNATURE}"
        yield f"{signed_files}: the manifest is not signed by the key {key.key_id}"


def _parameter_files() -> list[Any]:
    folder = files("employment_domain.rules") / "parameters"
    return sorted(
        (item for item in folder.iterdir() if item.name.endswith(".yaml")),
        key=lambda item: item.name,
    )


def _write(bundle: zipfile.ZipFile, name: str, data: bytes) -> None:
    """One entry, stamped with a fixed time rather than the clock's, so that the same history
    exported twice gives the same bundle, byte for byte."""
    info = zipfile.ZipInfo(name, date_time=_ENTRY_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    with bundle.open(info, "w") as entry:
        entry.write(data)


def _json(data: Any) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True, default=str) + "\n").encode("utf-8")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
