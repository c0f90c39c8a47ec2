"""Write the small store that a release leaves behind for every later release to open.

Run it with the release that is about to be published, from the repository root::

    python tests/stores/write_release_store.py tests/stores/release-X.Y.Z

It writes ``area.db`` (a small demo year, two jobseekers with encrypted personal details, one of
them erased, the whole history sealed), ``anchor.txt`` (the seal's anchor), ``master-key.txt``
(a key made for this test store only; it protects nothing real) and ``reports/NAME.json`` for
every report of that release. ``tests/integration/test_release_stores.py`` then opens every such
folder with the code as it is now: the history replays, ``audit verify --anchor`` passes and the
reports give the same figures. A folder, once committed, is never rewritten.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

from employment_domain import (
    EmploymentArea,
    MasterKey,
    PersonalIdentityCode,
    run_demo,
    seal_history,
)

SCALE = 0.003
SEED = 7
YEAR = 2025


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=False)
    store = folder / "area.db"
    key = MasterKey.generate()
    (folder / "master-key.txt").write_text(key.to_text() + "\n")
    area = EmploymentArea(str(store), master_key=key)
    run_demo(area, year=YEAR, scale=SCALE, seed=SEED)
    kept = area.start_job_search(
        on=date(2025, 12, 1), municipality="049", birth_date=date(1990, 5, 5), district="Leppävaara"
    )
    erased = area.start_job_search(
        on=date(2025, 12, 1), municipality="235", birth_date=date(1985, 3, 3), district="Kauniainen"
    )
    area.record_personal_details(
        kept,
        on=date(2025, 12, 2),
        identity_code=PersonalIdentityCode("050590-912W"),
        name="Testi Henkilö",
    )
    area.record_personal_details(
        erased,
        on=date(2025, 12, 2),
        identity_code=PersonalIdentityCode("030385-910M"),
        name="Toinen Henkilö",
    )
    area.erase_personal_data(erased, on=date(2025, 12, 3), reason="request of the data subject")
    anchor = seal_history(area)
    (folder / "anchor.txt").write_text(f"{anchor}\n")
    (folder / "clients.txt").write_text(f"kept {kept}\nerased {erased}\n")
    reports = folder / "reports"
    reports.mkdir()
    names = [
        "cost-split",
        "budget",
        "caseload",
        "caseload-groups",
        "routing",
        "deadlines",
        "outcomes",
        "procurement",
        "structural-change",
    ]
    for name in names:
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "employment_domain",
                "report",
                name,
                "--format",
                "json",
                "--db",
                str(store),
                "--scratch",
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        (reports / f"{name}.json").write_text(out)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
