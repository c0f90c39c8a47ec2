#!/usr/bin/env bash
# Mutation testing of the core modules (money, the cost split, the calendar, routing conditions)
# with mutmut, configured in pyproject.toml's [tool.mutmut]: only those modules are mutated, and
# only the unit tests listed there run against each mutant. tests/README.md says how to read the
# result and lists the survivors we accept.
#
# mutmut works in a folder `mutants/` beside the sources, so the run happens in a scratch copy
# of the sources, the tests, the files the tests read and pyproject.toml (kept between runs:
# mutmut reruns only what changed).
#
#   bash scripts/mutation.sh                 # mutate, test, print the survivors and the score
#   MUTATION_MINUTES=10 bash scripts/mutation.sh
#   bash scripts/mutation.sh show NAME       # the diff of one mutant (any mutmut command)
#   MUTATION_MIN_SCORE=95 bash scripts/mutation.sh   # fail under 95 % killed (default 90)
#
# Needs mutmut in the virtual environment: .venv/bin/pip install mutmut
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${VENV:-$root/.venv}"
work="${MUTATION_DIR:-${TMPDIR:-/tmp}/employment-domain-mutation}"
minutes="${MUTATION_MINUTES:-25}"
children="${MUTATION_CHILDREN:-2}"

if [[ ! -x "$venv/bin/mutmut" ]]; then
    echo "mutmut is not installed: $venv/bin/pip install mutmut" >&2
    exit 2
fi

mkdir -p "$work"
# Mirror what mutmut reads; a changed file gets a new mtime, which is how mutmut notices it.
for part in src tests; do
    rm -rf "${work:?}/$part.new"
    cp -a "$root/$part" "$work/$part.new"
    find "$work/$part.new" -name __pycache__ -prune -exec rm -rf {} +
    if [[ -d "$work/$part" ]] && diff -rq "$work/$part" "$work/$part.new" >/dev/null 2>&1; then
        rm -rf "${work:?}/$part.new"
    else
        rm -rf "${work:?}/$part"
        mv "$work/$part.new" "$work/$part"
    fi
done
cp -p "$root/pyproject.toml" "$root/README.md" "$work/"
cd "$work"
export PATH="$venv/bin:$PATH"

if [[ $# -gt 0 && $1 != named ]]; then
    exec mutmut "$@"
fi

status=0
if [[ $# -eq 0 ]]; then  # `bash scripts/mutation.sh named` runs the named mutants alone
    timeout --signal=INT "$((minutes * 60))" mutmut run --max-children "$children" || status=$?
    if [[ $status -eq 124 ]]; then
        echo "stopped after $minutes minutes; run again to go on where it stopped" >&2
    fi
    echo
    echo "survivors (bash scripts/mutation.sh show NAME for the diff):"
    mutmut results
    MUTATION_MIN_SCORE="${MUTATION_MIN_SCORE:-90}" "$venv/bin/python" - <<'PY' || status=1
"""The score of each mutated module: killed (or timed out) of killed plus survived; the run
fails when the score over all modules is under MUTATION_MIN_SCORE per cent (90 by default)."""
import json
import os
import sys
from collections import Counter
from pathlib import Path

from mutmut.stats import status_by_exit_code

print(f"\n{'module':42} {'mutants':>7} {'killed':>7} {'survived':>8} {'other':>6} {'score':>7}")
all_killed = all_survived = 0
for meta in sorted(Path("mutants/src").rglob("*.py.meta")):
    codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    count = Counter(status_by_exit_code[code] for code in codes.values())
    killed, survived = count["killed"] + count["timeout"], count["survived"]
    all_killed, all_survived = all_killed + killed, all_survived + survived
    other = sum(count.values()) - killed - survived
    score = f"{100 * killed / (killed + survived):.1f}%" if killed + survived else "-"
    name = meta.relative_to("mutants").as_posix().removesuffix(".meta")
    print(f"{name:42} {len(codes):>7} {killed:>7} {survived:>8} {other:>6} {score:>7}")
tested = all_killed + all_survived
floor = float(os.environ["MUTATION_MIN_SCORE"])
if not tested:
    sys.exit("no mutant was tested")
total = 100 * all_killed / tested
print(f"{'all core modules':42} {'':>7} {all_killed:>7} {all_survived:>8} {'':>6} {total:>6.1f}%")
if total < floor:
    sys.exit(f"the mutation score {total:.1f}% is under {floor:g}%: kill the survivors or list them")
PY
fi

# Named mutants: changes mutmut does not make (it leaves module-level tables and unary minus
# alone) to rules that once had no test. Each must make the unit tests fail.
"$venv/bin/python" - <<'PY' || status=1
"""Apply each named mutant to a copy of src/, run the unit tests on it, and expect a failure."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

SPLIT = ["tests/unit/test_money.py", "tests/unit/test_allocation.py"]
CONDITIONS = ["tests/unit/test_rulebook.py", "tests/unit/test_engine.py", "tests/unit/test_explain.py"]
CALENDAR = ["tests/unit/test_calendar.py"]
MUTANTS = [  # (module, original, mutant, tests, the rule the tests pin)
    ("ledgers/allocation.py", "-part[0].population_18_64,", "part[0].population_18_64,", SPLIT,
     "the odd cent of equal shares goes to the larger population"),
    ("ledgers/allocation.py", "-part[0].unemployed_broad,", "part[0].unemployed_broad,", SPLIT,
     "then to the larger number of unemployed"),
    ("ledgers/allocation.py", "            part[0].municipality.code,",
     "            tuple(-ord(c) for c in part[0].municipality.code),", SPLIT,
     "and only between identical figures to the lower code"),
    ("money.py", "(-(shares[i] - floors[i]), i)", "(-(shares[i] - floors[i]), -i)", SPLIT,
     "between equal remainders the part listed first gets the cent"),
    ("money.py", "(-(shares[i] - floors[i]), i)", "((shares[i] - floors[i]), i)", SPLIT,
     "left-over cents go to the largest remainders"),
    ("calendar.py", "    while day < end:", "    while day <= end:", CALENDAR,
     "working_days_between counts up to and including the end, not the day after"),
    ("routing/conditions.py", '    "le": "gt",', '    "le": "ge",', CONDITIONS, "not (a <= b) is a > b"),
    ("routing/conditions.py", '    "lt": "ge",', '    "lt": "gt",', CONDITIONS, "not (a < b) is a >= b"),
    ("routing/conditions.py", '    "ge": "lt",', '    "ge": "le",', CONDITIONS, "not (a >= b) is a < b"),
    ("routing/conditions.py", '    "gt": "le",', '    "gt": "lt",', CONDITIONS, "not (a > b) is a <= b"),
    ("routing/conditions.py", '    "eq": "ne",', '    "eq": "eq",', CONDITIONS, "not (a == b) is a != b"),
    ("routing/conditions.py", '    "ne": "eq",', '    "ne": "ne",', CONDITIONS, "not (a != b) is a == b"),
    ("routing/conditions.py", '    "in": "not_in",', '    "in": "in",', CONDITIONS, "not in is not_in"),
    ("routing/conditions.py", '    "not_in": "in",', '    "not_in": "not_in",', CONDITIONS,
     "not not_in is in"),
    ("routing/conditions.py", '"le": "<="', '"le": "<"', CONDITIONS, "generated le is <="),
    ("routing/conditions.py", '"ge": ">="', '"ge": ">"', CONDITIONS, "generated ge is >="),
    ("routing/conditions.py", '"ne": "!="', '"ne": "=="', CONDITIONS, "generated ne is !="),
    ("routing/conditions.py", '    "le": operator.le,', '    "le": operator.lt,', CONDITIONS,
     "holds() and partial() compare le as <="),
    ("routing/conditions.py", '    "gt": operator.gt,', '    "gt": operator.ge,', CONDITIONS,
     "holds() and partial() compare gt as >"),
    ("routing/conditions.py", '    "le": "is at most",', '    "le": "is less than",', CONDITIONS,
     "le is described as 'is at most'"),
    ("routing/engine.py", '"le": "$lte"', '"le": "$lt"', CONDITIONS, "durable_rules le is $lte"),
    ("routing/engine.py", '"ge": "$gte"', '"ge": "$gt"', CONDITIONS, "durable_rules ge is $gte"),
    ("routing/engine.py", '_joined("$and", [{"$neq"', '_joined("$or", [{"$neq"', CONDITIONS,
     "durable_rules not_in is none of the values"),
]
KILLERS = ["tests/unit/test_mutation_killers.py", "tests/unit/test_claims.py"]
DESELECT = [
    "--deselect",
    "tests/unit/test_engine.py::test_a_hundred_thousand_decisions_keep_memory_flat_and_stay_under"
    "_the_session_limit",
]
copy = Path("named")
failed = []
print("\nnamed mutants (each must fail the unit tests):")
for module, original, mutant, tests, rule in MUTANTS:
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree("src", copy / "src", ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / "src" / "employment_domain" / module
    text = target.read_text(encoding="utf-8")
    if text.count(original) != 1:
        print(f"  GONE     {module}: {original!r} is no longer in the source once; update the list")
        failed.append(rule)
        continue
    target.write_text(text.replace(original, mutant), encoding="utf-8")
    environment = {**os.environ, "PYTHONPATH": str((copy / "src").resolve())}
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *DESELECT]
    result = subprocess.run([*command, *tests, *KILLERS], env=environment, capture_output=True)
    verdict = "killed" if result.returncode == 1 else "SURVIVED" if result.returncode == 0 else (
        f"ERROR {result.returncode}")
    print(f"  {verdict:8} {module}: {original.strip()} -> {mutant.strip()}  ({rule})")
    if verdict != "killed":
        failed.append(rule)
shutil.rmtree(copy, ignore_errors=True)
sys.exit(1 if failed else 0)
PY
exit "$status"
