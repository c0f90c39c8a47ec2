"""``audit export``, ``audit check-bundle``, ``audit keygen``: the evidence an auditor takes away.

``export`` writes a year's evidence bundle (:mod:`employment_domain.reports.evidence`) from a
store opened read-only; ``check-bundle`` checks one offline, without any database, and exits 1
naming every file that differs; ``keygen`` makes the area's Ed25519 key pair for signing anchors:
the private key to a file only its owner reads, the public key beside it for the area to publish.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from employment_domain.audit.signing import AnchorSigningKey, AnchorVerifyKey
from employment_domain.cli.options import Subparsers, UsageError, add_db_option, calendar_year
from employment_domain.reports.evidence import check_bundle, export_bundle

__all__ = ["add_actions", "signing_key"]


def add_actions(actions: Subparsers) -> None:
    """The evidence actions of ``audit``."""
    export = actions.add_parser(
        "export",
        help="write a year's evidence bundle (reports, rulebooks, parameters, seals, anchor)",
        description="Write the evidence bundle of --year to --out: every report of the year as"
        " JSON and CSV (built from zero from the events), each rulebook version that decided,"
        " the parameter files, the seals and the latest anchor (signed with --signing-key or"
        " $EMPLOYMENT_AREA_ANCHOR_KEY_FILE when given), the verification result, the library's"
        " version and a manifest with the SHA-256 of every file. The store is opened read-only.",
    )
    export.add_argument("--year", type=calendar_year, required=True)
    export.add_argument("--out", type=Path, required=True, metavar="BUNDLE.zip")
    export.add_argument("--signing-key", type=Path, default=None, metavar="FILE")
    add_db_option(export)
    export.set_defaults(run=_export, parser=export)

    check = actions.add_parser(
        "check-bundle",
        help="check an evidence bundle offline; exit 1 naming every file that differs",
        description="Check an evidence bundle without any database: every file against the"
        " manifest, every rulebook against its version hash, the anchor against the seals, and"
        " with --public-key both signatures (anchor and manifest).",
    )
    check.add_argument("bundle", type=Path, metavar="BUNDLE.zip")
    check.add_argument("--public-key", type=Path, default=None, metavar="FILE")
    check.set_defaults(run=_check, parser=check)

    keygen = actions.add_parser(
        "keygen",
        help="make the area's key pair for signing anchors",
        description="Write a new Ed25519 private key to --out (readable by its owner only) and"
        " its public key to --out with '.pub' added; publish the public key, keep the private"
        " key out of the database and give its file to 'audit seal' and 'audit export'.",
    )
    keygen.add_argument("--out", type=Path, required=True, metavar="FILE")
    keygen.set_defaults(run=_keygen, parser=keygen)


def signing_key(path: Path | None) -> AnchorSigningKey | None:
    """The key of ``path``, else of ``$EMPLOYMENT_AREA_ANCHOR_KEY_FILE``, else None."""
    return (
        AnchorSigningKey.from_file(path)
        if path is not None
        else (AnchorSigningKey.from_environment())
    )


def _export(arguments: argparse.Namespace) -> int:
    key = signing_key(arguments.signing_key)
    manifest = export_bundle(arguments.db, year=arguments.year, out=arguments.out, signing_key=key)
    signed = "signed" if key is not None else "unsigned (no signing key)"
    print(f"evidence bundle {arguments.out}: {len(manifest['files'])} files, {signed}")
    return 0


def _check(arguments: argparse.Namespace) -> int:
    key = AnchorVerifyKey.from_file(arguments.public_key) if arguments.public_key else None
    checked = check_bundle(arguments.bundle, public_key=key)
    for problem in checked.problems:
        print(f"  {problem}")
    if not checked.clean:
        print(
            f"employment-area: the bundle has {len(checked.problems)} problem(s)",
            file=sys.stderr,
        )
        return 1
    signatures = "signatures hold" if checked.signed else "signatures not checked (no --public-key)"
    print(f"bundle {arguments.bundle}: {checked.files} files match the manifest; {signatures}")
    return 0


def _keygen(arguments: argparse.Namespace) -> int:
    if not arguments.out.name or arguments.out.is_dir():
        raise UsageError(f"--out names the private key's file, not {str(arguments.out)!r}")
    key = AnchorSigningKey.generate()
    public = arguments.out.with_name(arguments.out.name + ".pub")
    descriptor = os.open(arguments.out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as private:
        private.write(key.pem())
    public.write_bytes(key.verify_key.pem())
    print(
        f"private key {arguments.out} (keep it secret), public key {public} (publish it);"
        f" key id {key.verify_key.key_id}"
    )
    return 0
