"""Compile the message catalogs (``.po``) of ``employment_domain.i18n`` into the ``.mo`` files
the library reads, with Babel's own compiler; ``--check`` only says whether they are current.

The compiled files are committed beside their sources so that an installed wheel, an editable
install and a plain checkout read the same catalogs without a build step; the test
``tests/unit/test_catalogs.py`` fails when a ``.mo`` file differs from what its ``.po`` gives.

    python scripts/compile_catalogs.py [--check]
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[1] / "src" / "employment_domain" / "i18n" / "locale"


def compiled(source: Path) -> bytes:
    """The ``.mo`` bytes of one ``.po`` file (Babel sorts the messages, so the same source
    always gives the same bytes)."""
    with source.open("rb") as handle:
        catalog = read_po(handle, abort_invalid=True)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    arguments = parser.parse_args(argv)
    stale = []
    for source in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        target = source.with_suffix(".mo")
        data = compiled(source)
        if target.exists() and target.read_bytes() == data:
            continue
        stale.append(target)
        if not arguments.check:
            target.write_bytes(data)
    for target in stale:
        verb = "stale" if arguments.check else "written"
        print(f"{target.relative_to(LOCALE.parents[3])}: {verb}", file=sys.stderr)
    return 1 if stale and arguments.check else 0


if __name__ == "__main__":
    sys.exit(main())
