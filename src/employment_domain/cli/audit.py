"""The ``audit`` commands: verify the history, show an aggregate's history, seal the history.

``audit verify`` and ``audit history`` open the store read-only, and ``verify`` reads the live
read model read-only too, so an audit writes nothing anywhere; the replay is built in memory.
``audit seal`` is the one writer: it prints the anchor as the only line on standard output, so
that a script can hand it to whoever keeps anchors.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from employment_domain.audit.recorded_decisions import DecisionRecheck, recheck_decisions
from employment_domain.cli import disclosure, evidence
from employment_domain.cli.evidence import signing_key
from employment_domain.cli.options import (
    Subparsers,
    UsageError,
    add_db_option,
    add_format_option,
    add_read_model_option,
    print_rows,
)
from employment_domain.cli.stores import locked_message, open_writing
from employment_domain.errors import StoreError
from employment_domain.reports.stores import open_reading, read_model_for, store_name
from employment_domain.store.persistence import describe_store

if TYPE_CHECKING:
    from employment_domain.area import EmploymentArea
    from employment_domain.audit.replay import Finding
    from employment_domain.audit.seals import Anchor
    from employment_domain.projections import ReadModel

__all__ = ["add_parser"]


def add_parser(commands: Subparsers) -> None:
    """``audit verify|history|seal|export|check-bundle|keygen|disclosure``."""
    parser = commands.add_parser(
        "audit",
        help="verify the history, show an aggregate's history, seal the history",
        description="What an auditor runs: proof that the reports equal a replay of the"
        " history, that every routing decision is what its rules give, and that no event was"
        " rewritten since it was sealed.",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    verify = actions.add_parser(
        "verify",
        help="replay, decisions and integrity; exit 1 with the findings if anything differs",
        description="Three checks, on a store opened read-only: (1) every projection rebuilt"
        " from zero in memory equals the live read-model tables row by row (skipped when the"
        " store has no read model yet); (2) every recorded routing decision re-run under the"
        " rulebook version it records gives the recorded answer; (3) the history equals the"
        " anchor given, or else the latest seal in the store. Exit 1 with a list of findings"
        " if anything differs.",
    )
    add_db_option(verify)
    verify.add_argument("--anchor", metavar="ANCHOR", help="an anchor printed by 'audit seal'")
    verify.add_argument(
        "--public-key",
        type=Path,
        default=None,
        metavar="FILE",
        help="the area's published public key: the anchor's signature is checked first",
    )
    verify.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 also when no --anchor is given or events after it are unsealed",
    )
    add_read_model_option(verify)
    add_format_option(verify)
    verify.set_defaults(run=_verify, parser=verify)

    history = actions.add_parser(
        "history",
        help="every event of one aggregate (client, employer, contract, ledger)",
        description="Every event of one aggregate, oldest first, with its business date and"
        " the time it was recorded. The store is opened read-only.",
    )
    history.add_argument("aggregate", metavar="ID", help="the aggregate's UUID")
    add_db_option(history)
    add_format_option(history)
    history.set_defaults(run=_history, parser=history)

    seal = actions.add_parser(
        "seal",
        help="seal the history so far and print its anchor",
        description="Seal the history recorded so far with a chained SHA-256 digest and print"
        " the anchor (ea1:<position>:<digest>) as the only line on standard output. Keep the"
        " anchor outside the database: 'audit verify --anchor' proves against it that nothing"
        " up to that position was changed.",
    )
    seal.add_argument(
        "--signing-key",
        type=Path,
        default=None,
        metavar="FILE",
        help="the area's private key (or $EMPLOYMENT_AREA_ANCHOR_KEY_FILE): print the anchor"
        " signed, ea1:<position>:<digest>.ed25519.<signature>",
    )
    add_db_option(seal)
    seal.set_defaults(run=_seal, parser=seal)
    evidence.add_actions(actions)
    disclosure.add_actions(actions)


def _verify(arguments: argparse.Namespace) -> int:
    from employment_domain.audit.coverage import seal_records, unsealed_tail
    from employment_domain.audit.replay import replay
    from employment_domain.projections import all_projections

    anchor, signed = _given_anchor(arguments)
    app = open_reading(arguments.db)
    notes: list[str] = []
    try:
        findings, integrity = _integrity(app, anchor, notes)
        integrity["signed"] = signed
        tail = unsealed_tail(app, anchor)
        if tail["events"]:
            notes.append(
                f"unsealed: {tail['events']} event(s) at positions {tail['first']}–{tail['last']}"
                f" were recorded after position {tail['covered_up_to']}; no anchor covers them"
            )
        live = _live_read_model(arguments)
        names = [projection.name for projection in all_projections()]
        built: list[str] = []
        if live is None:
            notes.append("replay: not checked, the store has no read model yet")
        else:
            tracked = live.tracking()
            projections = [p for p in all_projections() if p.name in tracked]
            built = [projection.name for projection in projections]
            try:
                findings += _guarded("replay", lambda: replay(app, live, projections=projections))
            finally:
                live.close()
            notes.append(f"replay: {', '.join(built)} compared with {live.description}")
        unbuilt = [name for name in names if name not in built]
        if built and unbuilt:
            notes.append(f"replay: {', '.join(unbuilt)} not built in the read model, not checked")
        recheck = DecisionRecheck()

        def rechecked() -> list[Finding]:
            nonlocal recheck
            recheck = recheck_decisions(app)
            return list(recheck.findings)

        decision_findings = _guarded("decisions", rechecked)
        findings += decision_findings
        notes.append(
            f"decisions: {recheck.checked} recorded decision(s) re-run under their rulebook"
            f" version, {recheck.matched} gave the recorded answer"
        )
        position = app.head_position()
        seals = [record["position"] for record in seal_records(app)]
    finally:
        app.close()
    strict = _strict_failures(anchor, tail) if arguments.strict else []
    report = {
        "position": position,
        "events_replayed": position if built else 0,
        "projections": {"checked": built, "not_checked": unbuilt},
        "decisions": {
            "checked": recheck.checked,
            "matched": recheck.checked - len(decision_findings),
            "rulebook_versions": sorted(recheck.rulebook_versions),
        },
        "integrity": integrity,
        "seal_positions": seals,
        "unsealed_tail": tail,
        "strict_failures": strict,
    }
    complete = not unbuilt and anchor is not None and not tail["events"]
    _print_findings(arguments, findings, notes, position, report, complete)
    if findings:
        print(f"employment-area: the audit found {len(findings)} difference(s)", file=sys.stderr)
        return 1
    if strict:
        print(f"employment-area: --strict: {'; '.join(strict)}", file=sys.stderr)
        return 1
    return 0


def _given_anchor(arguments: argparse.Namespace) -> tuple[Anchor | None, bool]:
    """The anchor of --anchor, its signature checked against --public-key when one is given."""
    from employment_domain.audit.seals import Anchor
    from employment_domain.audit.signing import AnchorVerifyKey, SignedAnchor

    if arguments.anchor is None:
        if arguments.public_key is not None:
            raise UsageError("--public-key checks the signature of an --anchor; give one")
        return None, False
    if arguments.public_key is None:
        text = arguments.anchor.strip()
        return (
            SignedAnchor.parse(text).anchor if ".ed25519." in text else Anchor.parse(text)
        ), False
    key = AnchorVerifyKey.from_file(arguments.public_key)
    return SignedAnchor.parse(arguments.anchor).verify(key), True


def _strict_failures(anchor: Anchor | None, tail: dict[str, Any]) -> list[str]:
    failures = []
    if anchor is None:
        failures.append("no --anchor was given, so integrity is not proven")
    if tail["events"]:
        failures.append(
            f"{tail['events']} event(s) after position {tail['covered_up_to']} are unsealed"
        )
    return failures


def _integrity(
    app: EmploymentArea, anchor: Anchor | None, notes: list[str]
) -> tuple[list[Finding], dict[str, Any]]:
    """The history against ``anchor``, else against the latest seal in the store (which proves
    only that the store's seals and history agree, not that nobody re-sealed them)."""
    from employment_domain.audit.replay import Finding
    from employment_domain.audit.seals import latest_anchor, verify_history

    checked = anchor if anchor is not None else latest_anchor(app)
    if checked is None:
        notes.append(
            "integrity: NOT PROVEN: the history was never sealed and no --anchor was given"
        )
        return [], {"anchor": None, "proven": False, "events_checked": 0, "detail": "never sealed"}
    verification = verify_history(app, checked)
    if anchor is None:
        notes.append(
            f"integrity: {verification.detail}; against the latest seal in the store, not an"
            " anchor kept outside it, so it is not proven that nobody re-sealed the history"
        )
    else:
        notes.append(f"integrity: {verification.detail}")
    data = {
        "anchor": str(checked),
        "given": anchor is not None,
        "proven": anchor is not None and verification.intact,
        "events_checked": verification.events_checked,
        "detail": verification.detail,
    }
    if verification.intact:
        return [], data
    subject = f"history up to position {checked.position}"
    return [Finding("integrity", subject, verification.detail)], data


def _guarded(check: str, run: Callable[[], list[Finding]]) -> list[Finding]:
    """The check's findings; a history that cannot even be read back is a finding too, not a
    crash: damaged history is what an audit is for."""
    from employment_domain.audit.replay import Finding

    try:
        return run()
    except Exception as error:
        message = (str(error).strip() or type(error).__name__).splitlines()[0]
        return [Finding(check, "the history", f"cannot be read back: {message}")]


def _live_read_model(arguments: argparse.Namespace) -> ReadModel | None:
    """The live read model opened read-only, or None when the store has none yet.

    A SQLite read model is opened with ``mode=ro`` (and never created when it is missing); a
    PostgreSQL one in read-only sessions, like the store itself.
    """
    from sqlalchemy.engine import URL

    from employment_domain.projections import ReadModel
    from employment_domain.store.readonly import POSTGRES_READ_ONLY_OPTIONS

    configured = read_model_for(arguments.db, arguments.read_model)
    configured.close()
    url = configured.url
    if url.drivername.startswith("sqlite"):
        if not url.database or url.database == ":memory:":
            return None
        path = Path(url.database).resolve()
        if not path.is_file():
            return None
        query = {"mode": "ro", "uri": "true"}
        live = ReadModel(URL.create("sqlite", database=path.as_uri(), query=query))
    else:
        options = {"schema": configured.schema} if configured.schema else {}
        if url.drivername.startswith("postgresql"):
            options["options"] = POSTGRES_READ_ONLY_OPTIONS
        live = ReadModel(url.update_query_dict(options))
    if not live.tracking():
        live.close()
        return None
    return live


def _print_findings(
    arguments: argparse.Namespace,
    findings: list[Finding],
    notes: list[str],
    position: int,
    report: dict[str, Any],
    complete: bool,
) -> None:
    if arguments.format == "json":
        data = {
            **report,
            "complete": complete and not findings,
            "notes": notes,
            "findings": [finding.to_dict() for finding in findings],
        }
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    rows = [
        {"check": finding.check, "subject": finding.subject, "message": finding.message}
        for finding in findings
    ]
    if arguments.format == "csv":
        print_rows(rows, "csv", columns=("check", "subject", "message"))
        return
    print(f"audit of {describe_store(store_name(arguments.db))} up to position {position}")
    for note in notes:
        print(f"  {note}")
    if findings:
        print_rows(rows, "table", title=f"{len(findings)} finding(s)")
    elif complete:
        print("  no differences: the reports, the decisions and the history hold")
    else:
        print("  no differences in what was checked; the notes above say what was not")


def _history(arguments: argparse.Namespace) -> int:
    from uuid import UUID

    from employment_domain.audit.replay import aggregate_history

    try:
        aggregate_id = UUID(arguments.aggregate)
    except ValueError:
        raise UsageError(f"an aggregate id is a UUID, not {arguments.aggregate!r}") from None
    app = open_reading(arguments.db)
    try:
        events = aggregate_history(app, aggregate_id)
    finally:
        app.close()
    if arguments.format == "json":
        print(json.dumps(events, ensure_ascii=False, indent=2))
        return 0
    rows = [_event_row(event) for event in events]
    columns = ("version", "type", "on", "recorded_at", "details")
    print_rows(rows, arguments.format, title=f"History of {aggregate_id}", columns=columns)
    return 0


def _event_row(event: dict[str, Any]) -> dict[str, Any]:
    """An event as a table row: its bookkeeping columns and its other fields in one cell."""
    fixed = ("version", "type", "on", "recorded_at")
    details = {name: value for name, value in event.items() if name not in fixed}
    text = json.dumps(details, ensure_ascii=False, separators=(", ", ": "), sort_keys=True)
    return {**{name: event.get(name) for name in fixed}, "details": text}


def _seal(arguments: argparse.Namespace) -> int:
    from employment_domain.audit.seals import seal_history

    key = signing_key(arguments.signing_key)  # read before anything is written
    app: EmploymentArea = open_writing(arguments.db)
    try:
        anchor = seal_history(app)
    except StoreError as error:
        raise locked_message(arguments.db, error) from error
    finally:
        app.close()
    print(anchor if key is None else key.sign(anchor))
    return 0
