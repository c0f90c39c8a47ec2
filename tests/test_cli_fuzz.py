"""A fuzz campaign over the command line: Hypothesis builds hostile argument lists for every
subcommand, and hostile files and folders for ``--basis``, ``--rules``, ``--scenarios``, ``--out``
and ``--db``, runs ``main(argv)`` in-process against a fresh copy of a small demo store, and holds
the contract: no exception escapes, the exit code is 0, 1 or 2, a refusal or usage error says why
on standard error, and no traceback is printed.

The campaign is bounded for CI (``EMPLOYMENT_AREA_FUZZ_EXAMPLES``, default 150 invocations for
all the subcommands together); set it higher for a longer run, and run pytest with
``--hypothesis-show-statistics`` to see how each subcommand's invocations ended. Inputs that once
escaped as tracebacks are kept as explicit examples.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from employment_domain.audit.readonly import open_for_audit
from employment_domain.audit.recorded_decisions import recorded_decisions
from employment_domain.cli.main import main

FUZZ_EXAMPLES = int(os.environ.get("EMPLOYMENT_AREA_FUZZ_EXAMPLES", "150"))
ROOT = Path(__file__).resolve().parent.parent
PACKAGED = {
    "routing": ROOT / "src" / "employment_domain" / "rules" / "routing",
    "tests": ROOT / "src" / "employment_domain" / "rules" / "tests",
    "parameters": ROOT / "src" / "employment_domain" / "rules" / "parameters",
}
BASIS_HEADER = "municipality,population_18_64,unemployed_broad"


@dataclass(frozen=True)
class Store:
    """The example's own copy of the demo store and its read model."""


@dataclass(frozen=True)
class NewPath:
    """A path in the example's folder that does not exist (``no/`` folders do not exist either)."""

    name: str


@dataclass(frozen=True)
class File:
    """A file with these bytes in the example's folder."""

    name: str
    content: bytes


@dataclass(frozen=True)
class Folder:
    """A folder holding a copy of a packaged rule or scenario folder (``base``), or nothing,
    with these files written over it."""

    base: str | None
    files: tuple[tuple[str, bytes], ...]


@dataclass(frozen=True)
class KnownId:
    """The id of a client (or, as an aggregate, of anything) recorded in the demo store."""


Token = str | Store | NewPath | File | Folder | KnownId
T = TypeVar("T")


# Values -----------------------------------------------------------------------------------------

HOSTILE_TEXT = [
    "",
    " ",
    "-",
    "--",
    "\x00",
    "a\x00b",
    "\udcff",  # a byte that is not UTF-8, as Python hands it over from the shell
    "caf\udce9.db",
    "'; DROP TABLE employmentarea_events; --",
    "%s%n",
    "../../etc/passwd",  # two folders up from an example's folder: still the campaign's own
    "/",
    "\u202e940",
    "\ufeff049",
    "٠٤٩",
    "０４９",
    "²",
    "1e999999",
    "-0",
    "NaN",
    "Infinity",
    "0x31",
    "9" * 5000,
    "A" * 20_000,
    "--help",
    "-h",
]


def _kept_here(text: str) -> str:
    """``text`` made, taken as a path, to stay inside the example's folder: the commands create
    stores and write reports where they are told, and the campaign may run as root."""
    return text.lstrip("/~").replace("..", ".")


texts = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.text(max_size=20).map(_kept_here),
    st.text(alphabet=st.characters(categories=["Nd", "No", "Zs", "Cc", "Cf"]), max_size=8),
)


def _mostly(valid: st.SearchStrategy[T], hostile: st.SearchStrategy[T]) -> st.SearchStrategy[T]:
    """Mostly a valid value, so that invocations get past argparse and the first checks often
    enough to reach the store, the read model and the files; Hypothesis's ``one_of`` alone
    would pick the hostile side as often as the valid one."""
    return st.sampled_from([True, True, True, False]).flatmap(
        lambda valid_side: valid if valid_side else hostile
    )


numbers = st.one_of(
    st.sampled_from(["0", "-1", "1", "2025", "2031", "9999", "10000", "99999999999999999999"]),
    st.sampled_from(["1e308", "-1e308", "nan", "inf", "-inf", "٣", "1_000", " 7 ", "0.5"]),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats().map(repr),
    texts,
)
years = _mostly(st.integers(min_value=2024, max_value=2026).map(str), numbers)
dates = _mostly(
    st.dates(min_value=date(2024, 6, 1), max_value=date(2026, 3, 1)).map(date.isoformat),
    st.one_of(
        st.dates().map(date.isoformat),
        st.sampled_from(["2025-02-30", "2025-13-01", "0000-01-01", "9999-12-31", "31.3.2025"]),
        st.sampled_from(["2025-06-30T12:00:00Z", "20250101", "2025-W01-1", "2025-001"]),
        texts,
    ),
)
moments = _mostly(
    st.one_of(
        st.integers(min_value=0, max_value=1500).map(str),
        st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)).map(
            datetime.isoformat
        ),
    ),
    st.one_of(
        numbers,
        dates,
        st.datetimes(timezones=st.timezones()).map(datetime.isoformat),
        st.sampled_from(["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]),
    ),
)
anchors = st.one_of(
    st.builds(
        lambda position, digest: f"ea1:{position}:{digest}",
        st.sampled_from(["0", "1", "1444", "-1", "99999999999999999999", "x", ""]),
        st.one_of(
            st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
            st.text(alphabet="0123456789abcdefABCDEFg", max_size=70),
        ),
    ),
    texts,
)
amounts = _mostly(
    st.decimals(min_value=0, max_value=10**9, places=2).map(str),
    st.one_of(
        st.sampled_from(["-5", "0.001", "1 000,50", "1e999999", "NaN", "1_000", "٣"]),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        numbers,
    ),
)
known_id: st.SearchStrategy[Token] = st.just(KnownId())
identifiers = _mostly(known_id, st.one_of(st.uuids().map(str), texts))
report_names = _mostly(
    st.sampled_from(
        [
            "cost-split",
            "budget",
            "caseload",
            "caseload-groups",
            "routing",
            "deadlines",
            "outcomes",
            "procurement",
            "structural-change",
            "partners",
            "annual",
        ]
    ),
    texts,
)
breakdowns = _mostly(st.sampled_from(["month", "year", "rule", "production"]), texts)
formats = _mostly(st.sampled_from(["table", "csv", "json"]), st.sampled_from(["html", "xml", ""]))
languages = _mostly(st.sampled_from(["en", "fi"]), st.one_of(st.just("sv"), texts))

#: PostgreSQL URLs that fail before a connection is tried, so the campaign never waits the five
#: seconds of a connection timeout: malformed ones, and well-formed ones without a password.
MALFORMED_URLS = [
    "postgres://[::1",
    "postgresql://u:secret@[::1/x",
    "postgresql://[foo]/x",
    "postgresql://h:99999/x",
    "postgresql://h:port/x",
    "postgresql://u:se/cret@h/x",
    "postgresql://\u2100/x",
    "postgresql://u:p@127.0.0.1:1/\udcff",
    "postgresql+psycopg://[",
]
PASSWORDLESS_URLS = ["postgresql://", "postgres:///", "postgresql://u@127.0.0.1:1/x?schema=s"]
#: Commands that create a store connect even without a password: only to a port nothing serves.
UNSERVED_URLS = ["postgresql://u@127.0.0.1:1/x?schema=s", "postgresql://127.0.0.1:1"]


def _test_server_urls() -> list[str]:
    """URLs of schemas that do not exist on the test server, when one is configured: refused
    quickly, after a real connection."""
    base = os.environ.get("EMPLOYMENT_DOMAIN_TEST_POSTGRES_URL")
    if not base:
        return []
    schemas = ["nonexistent_fuzz", "a%00", "%22;drop", "x" * 70]
    return [f"{base}?schema={schema}" for schema in schemas]


not_a_store = st.one_of(
    st.sampled_from([b"", b"meeting notes, not a database\n" * 10, bytes(range(256))]),
    st.binary(max_size=200),
).map(lambda content: File("notes.db", content))
read_model_urls = _mostly(
    st.sampled_from(["sqlite://", "sqlite:///rm.db"]),
    st.one_of(
        st.sampled_from(
            [
                "sqlite:///no/rm.db",
                "sqlite:///.",
                "sqlite+aiosqlite:///rm.db",
                "mysql://u:secret@h/x",
                "nonsense",
                "postgresql://[::1",
                "postgresql://u@127.0.0.1:1/x",
                "postgresql://u:p@127.0.0.1:1/\udcff",
            ]
        ),
        texts,
    ),
)


def stores(*, creates: bool) -> st.SearchStrategy[Token]:
    """``--db`` values. Commands that create a store (``demo``, ``store init``) connect to a
    PostgreSQL server even without a password, so they get only URLs of a port nothing serves:
    never a developer's own server on the default port."""
    urls = MALFORMED_URLS + _test_server_urls() + (UNSERVED_URLS if creates else PASSWORDLESS_URLS)
    return _mostly(
        st.just(Store()),
        st.one_of(
            st.sampled_from([NewPath("new.db"), NewPath("no/new.db"), NewPath("new")]),
            not_a_store,
            st.just(Folder(None, ())),
            st.sampled_from(urls),
            st.sampled_from([":memory:", "memory", "sqlite:///x.db"]),
            texts,
        ),
    )


def _yaml_snippets() -> list[bytes]:
    return [
        b"",
        b"[" * 3000 + b"]" * 3000,
        b"{a: " * 3000 + b"1" + b"}" * 3000,
        b'a: &a ["x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\n'
        b"c: [*b,*b,*b,*b,*b,*b,*b,*b]\n",
        b'!!python/object/apply:os.system ["true"]\n',
        b"rules:\n  - id: caf\xe9\n",
        "rules: [1, 2]\n".encode("utf-16"),
        b"- 1\n- 2\n",
        b"12\n",
        b"a\x00: b\n",
        b"version: 99999999999999999999999999999\nvalid_from: 0001-01-01\n",
        b"\xef\xbb\xbf\xef\xbb\xbfrules: []\n",
    ]


def _packaged_text(base: str) -> dict[str, str]:
    return {path.name: path.read_text("utf-8") for path in sorted(PACKAGED[base].glob("*.yaml"))}


@st.composite
def mutated_yaml(draw: st.DrawFn, base: str) -> tuple[str, bytes]:
    """A packaged file with hostile text written over a slice of it, so that the loader gets
    past the YAML syntax often and meets wrong values deep in a rule or a scenario."""
    files = _packaged_text(base)
    name = draw(st.sampled_from(sorted(files)))
    text = files[name]
    start = draw(st.integers(min_value=0, max_value=len(text)))
    end = draw(st.integers(min_value=start, max_value=min(len(text), start + 40)))
    inserted = draw(st.one_of(texts, numbers, dates, st.sampled_from(["\n-", ": ", "&a *a", "!!"])))
    return name, (text[:start] + inserted + text[end:]).encode("utf-8", "surrogateescape")


def rule_folders(base: str) -> st.SearchStrategy[Token]:
    """Folders for ``--rules``, ``--scenarios`` and ``rules diff``: a packaged copy with one file
    mutated or replaced, a folder of hostile files, an empty one, a file, a missing path."""
    hostile_file = st.tuples(
        st.sampled_from(["a.yaml", "facts.yaml", "z.yml", "notes.txt"]),
        st.one_of(st.sampled_from(_yaml_snippets()), st.binary(max_size=200)),
    )
    return _mostly(
        st.one_of(
            st.just(Folder(base, ())),
            st.tuples(mutated_yaml(base)).map(lambda files: Folder(base, files)),
        ),
        _hostile_folders(base, hostile_file),
    )


def _hostile_folders(
    base: str, hostile_file: st.SearchStrategy[tuple[str, bytes]]
) -> st.SearchStrategy[Token]:
    return st.one_of(
        st.lists(hostile_file, max_size=3).map(lambda files: Folder(base, tuple(files))),
        st.lists(hostile_file, min_size=1, max_size=3).map(
            lambda files: Folder(None, tuple(files))
        ),
        st.just(Folder(None, ())),
        st.sampled_from([NewPath("missing"), File("rules.yaml", b"rules: []\n"), Store()]),
        texts,
    )


valid_bases = st.lists(
    st.tuples(st.integers(min_value=0, max_value=10**7), st.integers(min_value=0, max_value=10**6)),
    min_size=2,
    max_size=2,
).map(
    lambda figures: (
        f"{BASIS_HEADER}\n049,{figures[0][0]},{figures[0][1]}\n235,{figures[1][0]},{figures[1][1]}\n"
    ).encode()
)
basis_files = _mostly(
    valid_bases.map(lambda content: File("basis.csv", content)),
    st.one_of(
        st.sampled_from(
            [
                f"{BASIS_HEADER}\n049,210450,22300\n235,5690,690\n".encode(),
                f"{BASIS_HEADER}\n049,210450,22300\n235,5690,690\n".encode("utf-16"),
                f"{BASIS_HEADER}\n049 Espoo,1,1\n235 Kauniainen ä,1,1\n".encode("latin-1"),
                f"{BASIS_HEADER}\n049,²,1\n".encode(),
                f"{BASIS_HEADER}\n049,{'9' * 5000},1\n".encode(),
                f'{BASIS_HEADER}\n049,"{"x" * 200_000}",1\n'.encode(),
                f"{BASIS_HEADER}\n049,0,0\n235,0,0\n".encode(),
                f"{BASIS_HEADER}\n049,1\x00,1\n".encode(),
                b'"unterminated\n',
                bytes(range(256)),
            ]
        ),
        st.builds(
            lambda rows: (BASIS_HEADER + "\n" + rows).encode("utf-8", "surrogateescape"),
            st.text(max_size=120),
        ),
        st.builds(
            lambda cells: (BASIS_HEADER + "\n" + ",".join(cells) + "\n").encode(
                "utf-8", "surrogateescape"
            ),
            st.lists(
                st.one_of(st.sampled_from(["049", "235", "091", "1", "0"]), numbers), max_size=4
            ),
        ),
        st.binary(max_size=200),
    ).map(lambda content: File("basis.csv", content)),
)
OUTPUTS: list[Token] = [NewPath("no/out.txt"), Folder(None, ()), Store()]
outputs = _mostly(st.just(NewPath("out.txt")), st.one_of(st.sampled_from(OUTPUTS), texts))
#: Key files and bundles: PEM-looking text, keys of the wrong kind, zip files, any bytes.
key_files = st.one_of(
    st.sampled_from(
        [
            b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
            b"-----BEGIN PUBLIC KEY-----\n\n-----END PUBLIC KEY-----\n",
            b"PK\x03\x04" + bytes(40),
            b"",
        ]
    ),
    st.binary(max_size=120),
).map(lambda content: File("key.pem", content))
file_arguments = st.one_of(key_files, st.sampled_from(OUTPUTS), texts)

# Command lines ----------------------------------------------------------------------------------

#: Each subcommand's positional arguments and options; None marks a flag.
Options = dict[str, st.SearchStrategy[Token] | None]
READ_DB = stores(creates=False)
GRAMMARS: dict[tuple[str, ...], tuple[list[st.SearchStrategy[Token]], Options]] = {
    ("demo",): (
        [],
        {
            "--db": stores(creates=True),
            "--year": years,
            "--seed": numbers,
            "--fresh": None,
            "--quiet": None,
            "--lang": languages,
        },
    ),
    ("report",): (
        [report_names],
        {
            "--db": READ_DB,
            "--format": formats,
            "--out": outputs,
            "--lang": languages,
            "--year": years,
            "--as-of-date": dates,
            "--as-known-at": moments,
            "--published": None,
            "--by": breakdowns,
            "--read-model": read_model_urls,
            "--scratch": None,
        },
    ),
    ("rules", "check"): ([], {"--rules": rule_folders("routing")}),
    (
        "rules",
        "test",
    ): ([], {"--rules": rule_folders("routing"), "--scenarios": rule_folders("tests")}),
    ("rules", "provenance"): (
        [],
        {
            "--status": st.one_of(st.sampled_from(["seed", "law", "assumption"]), texts),
            "--rules": rule_folders("routing"),
            "--parameters": rule_folders("parameters"),
            "--format": formats,
        },
    ),
    ("rules", "explain"): ([identifiers], {"--db": READ_DB, "--format": formats}),
    ("rules", "diff"): (
        [rule_folders("routing"), rule_folders("routing")],
        {"--db": READ_DB, "--format": formats, "--lang": languages},
    ),
    ("audit", "verify"): (
        [],
        {
            "--db": READ_DB,
            "--anchor": anchors,
            "--public-key": file_arguments,
            "--strict": None,
            "--read-model": read_model_urls,
            "--format": formats,
        },
    ),
    ("audit", "history"): ([identifiers], {"--db": READ_DB, "--format": formats}),
    ("audit", "seal"): ([], {"--db": READ_DB, "--signing-key": file_arguments}),
    ("audit", "export"): (
        [],
        {"--db": READ_DB, "--year": years, "--out": outputs, "--signing-key": file_arguments},
    ),
    ("audit", "check-bundle"): ([file_arguments], {"--public-key": file_arguments}),
    ("audit", "keygen"): ([], {"--out": outputs}),
    ("privacy", "expire"): ([], {"--db": READ_DB, "--as-of": dates, "--dry-run": None}),
    ("privacy", "rotate-master-key"): ([], {"--db": READ_DB, "--new-key-file": file_arguments}),
    ("rules", "show"): ([texts], {"--db": READ_DB}),
    ("allocate",): (
        [],
        {
            "--net-cost": amounts,
            "--basis": basis_files,
            "--on": dates,
            "--format": formats,
            "--lang": languages,
        },
    ),
    ("projections", "catch-up"): (
        [],
        {"--db": READ_DB, "--read-model": read_model_urls, "--quiet": None},
    ),
    ("projections", "rebuild"): (
        [],
        {"--db": READ_DB, "--read-model": read_model_urls, "--quiet": None},
    ),
    ("example",): ([], {"--db": READ_DB}),
    ("store", "init"): ([], {"--db": stores(creates=True)}),
}
#: Options a subcommand needs to get past argparse; given most of the time, not always.
REQUIRED: dict[tuple[str, ...], tuple[str, ...]] = {
    ("allocate",): ("--net-cost", "--basis"),
    ("audit", "export"): ("--year", "--out"),
    ("audit", "keygen"): ("--out",),
    ("privacy", "expire"): ("--as-of",),
    ("privacy", "rotate-master-key"): ("--new-key-file",),
}
#: ``demo --scale``: always given, and never a scale that simulates more than a sliver of the
#: area (the default, 1.0, takes a minute).
DEMO_SCALES = st.sampled_from(
    ["0.0005", "0.0001", "1e-9", "1e-300", "-1", "0", "nan", "inf", "6", "1e308", "x", ""]
)


@st.composite
def command_lines(draw: st.DrawFn) -> list[Token]:
    """One hostile invocation: a subcommand, its positionals, some of its options with hostile
    values, and now and then a stray token, a global --db, or an option of another command."""
    command = draw(st.sampled_from(sorted(GRAMMARS)))
    positionals, options = GRAMMARS[command]
    argv: list[Token] = []
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        argv += ["--db", draw(stores(creates=command in (("demo",), ("store", "init"))))]
    argv += list(command)
    for positional in positionals:
        if draw(st.integers(min_value=0, max_value=19)):
            argv.append(draw(positional))
    required = REQUIRED.get(command, ())
    chosen = [name for name in required if draw(st.integers(min_value=0, max_value=9))]
    chosen += draw(st.lists(st.sampled_from(sorted(options)), max_size=5, unique=True))
    for name in dict.fromkeys(chosen):
        value = options[name]
        argv.append(name)
        if value is not None:
            argv.append(draw(value))
    if command == ("demo",):
        argv += ["--scale", draw(DEMO_SCALES)]
    if draw(st.integers(min_value=0, max_value=14)) == 0:
        stray = draw(st.one_of(texts, st.sampled_from(["--db", "--nonsense", "--year", "-x"])))
        argv.insert(draw(st.integers(min_value=0, max_value=len(argv))), stray)
    return argv


# The campaign -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Arena:
    """The campaign's ground: a demo store to copy for each invocation, and ids it holds."""

    root: Path
    store: Path
    client_id: str


@pytest.fixture(scope="module")
def arena(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Arena]:
    """A small demo store made once, in a module whose environment names no store and no
    PostgreSQL password (so that no invocation waits on a server)."""
    root = tmp_path_factory.mktemp("fuzz")
    store = root / "template" / "area.db"
    store.parent.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        for name in ("EMPLOYMENT_AREA_DB", "PGPASSWORD", "POSTGRES_PASSWORD", "PGHOST", "PGPORT"):
            patch.delenv(name, raising=False)
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["demo", "--scale", "0.003", "--quiet", "--db", str(store)]) == 0
        area = open_for_audit(store)
        try:
            client_id = str(next(iter(recorded_decisions(area))).client_id)
        finally:
            area.close()
        yield Arena(root, store, client_id)


def materialise(token: Token, arena: Arena, folder: Path) -> str:
    """The command-line text of ``token``, with its file, folder or store made in ``folder``."""
    if isinstance(token, str):
        return token
    if isinstance(token, KnownId):
        return arena.client_id
    if isinstance(token, NewPath):
        return str(folder / token.name)
    if isinstance(token, Store):
        path = folder / "area.db"
        if not path.exists():
            shutil.copy(arena.store, path)
            shutil.copy(arena.store.with_name("area.readmodel.db"), folder / "area.readmodel.db")
        return str(path)
    if isinstance(token, File):
        path = folder / token.name
        path.write_bytes(token.content)
        return str(path)
    made = Path(tempfile.mkdtemp(dir=folder, prefix="folder"))
    if token.base is not None:
        shutil.copytree(PACKAGED[token.base], made, dirs_exist_ok=True)
    for name, content in token.files:
        (made / name).write_bytes(content)
    return str(made)


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(argv=command_lines())
@example(argv=["report", "caseload", "--db", "postgres://[::1"])
@example(argv=["store", "init", "--db", "postgresql://u:secret@[::1/x"])
@example(argv=["report", "budget", "--by", "category", "--db", Store()])
@example(argv=["report", "annual", "--db", Store(), "--year", "10000"])
@example(argv=["allocate", "--net-cost", "1", "--basis", File("b.csv", "049,é".encode("latin-1"))])
@example(argv=["allocate", "--net-cost", "1", "--basis", File("b.csv", "a".encode("utf-16"))])
@example(argv=["allocate", "--net-cost", "1", "--basis", File("b.csv", bytes(range(256)))])
@example(argv=["allocate", "--net-cost", "1", "--basis", Folder(None, ())])
@example(
    argv=[
        "allocate",
        "--net-cost",
        "1",
        "--basis",
        File("b.csv", f"{BASIS_HEADER}\n049,²,1".encode()),
    ]
)
@example(argv=["rules", "check", "--rules", Folder(None, (("a.yaml", b"[" * 3000 + b"]" * 3000),))])
@example(argv=["store", "init", "--db", "a\x00b.db"])
@example(argv=["projections", "rebuild", "--db", Store(), "--read-model", "mysql://u@h/x"])
@example(argv=["report", "caseload", "--db", Store(), "--read-model", "postgresql://[::1"])
@example(argv=["demo", "--db", NewPath("d.db"), "--quiet", "--scale", "-1"])
def test_no_command_line_escapes_the_exit_code_contract(argv: list[Token], arena: Arena) -> None:
    folder = Path(tempfile.mkdtemp(dir=arena.root, prefix="run"))
    here = Path.cwd()
    out, err = io.StringIO(), io.StringIO()
    try:
        args = [materialise(token, arena, folder) for token in argv]
        os.chdir(folder)  # the default store, relative paths and read models land here
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(args)
            except BaseException as escaped:  # SystemExit and KeyboardInterrupt too
                raise AssertionError(f"{args!r} let {escaped!r} escape") from escaped
    finally:
        os.chdir(here)
        shutil.rmtree(folder, ignore_errors=True)
    event(f"{_command_of(argv)}: exit {code}")
    assert code in (0, 1, 2), f"{args!r} exited {code}"
    assert "Traceback" not in err.getvalue(), f"{args!r} printed a traceback"
    if code:
        assert err.getvalue().strip(), f"{args!r} exited {code} without a word on standard error"


def _command_of(argv: list[Token]) -> str:
    """The subcommand an invocation names, for the campaign's statistics."""
    words = [token for token in argv if isinstance(token, str)]
    named = [
        command
        for command in GRAMMARS
        if any(tuple(words[i : i + len(command)]) == command for i in range(len(words)))
    ]
    if not named:
        return "(none)"
    longest: tuple[str, ...] = max(named, key=len)
    return " ".join(longest)
