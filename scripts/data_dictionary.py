"""Write ``docs/data-dictionary.md`` from the view and table definitions; ``--check`` only says
whether the file is current (a test runs the check, so the dictionary never goes stale).

    python scripts/data_dictionary.py [--check]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from employment_domain.projections import all_projections
from employment_domain.projections.dictionary import data_dictionary

TARGET = Path(__file__).resolve().parents[1] / "docs" / "data-dictionary.md"


def generated() -> str:
    """The dictionary as the definitions give it now."""
    return data_dictionary([projection.metadata for projection in all_projections()])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    arguments = parser.parse_args(argv)
    text = generated()
    current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else None
    if current == text:
        return 0
    if arguments.check:
        print(f"{TARGET}: stale; run python scripts/data_dictionary.py", file=sys.stderr)
        return 1
    TARGET.write_text(text, encoding="utf-8")
    print(f"{TARGET}: written", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
