#!/usr/bin/env bash
# Mutation testing (mutmut) of the pure rule modules, each against its own test files only, and
# each module's score. Slow (bench/mutation-equivalents.md gives the last run's time): not in CI.
#
#   bench/mutation.sh                               every module below
#   bench/mutation.sh volunteer/ledger/rules.py     only the modules named
#   MUTATION_JOBS=1 bench/mutation.sh               one module at a time (default: 2 at once)
#   bench/mutation.sh --report DIR [module ...]     the table again, from a finished run's DIR
#
# mutmut rewrites the file it mutates, so every module runs on its own copy of the tree in a
# temporary folder: nothing in this working tree is touched. The surviving mutants' diffs and the
# logs are kept in $MUTATION_OUT (default: a new folder under /tmp, printed at the end).
#
# The score is killed / (mutants - equivalent): an equivalent mutant is one that no test can
# kill because the program behaves the same; each is listed, with why, in
# bench/mutation-equivalents.md, and a survivor not listed there is a gap in the tests.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="$ROOT/.venv"
EQUIVALENTS="$ROOT/bench/mutation-equivalents.md"

# Each module's own tests, the quickest killers first (pytest stops at the first failure).
# The vocabularies' own tests: the base class, labels in Chinese, the values stored and published,
# the words permissions and the event log use; every string translated, every value one the
# migrated database's CHECKs accept, and no value written out elsewhere.
VOCABULARY_TESTS="tests/core/test_vocabulary.py
  tests/i18n/test_catalog.py::test_chinese_catalog_translates_every_string_in_the_code
  tests/core/test_migrations.py::test_check_constraints_in_the_database_hold_the_vocabularies_values
  tests/shape/test_vocabulary.py"
declare -A TESTS=(
  [volunteer/ledger/rules.py]="tests/ledger/test_rules.py"
  [volunteer/projects/lifecycle.py]="tests/projects/test_lifecycle_rules.py tests/projects/test_lifecycle.py"
  [volunteer/stations/codes.py]="tests/stations/test_codes.py"
  [volunteer/accounts/identity.py]="tests/accounts/test_identity.py"
)
MODULES=(volunteer/ledger/rules.py volunteer/projects/lifecycle.py volunteer/stations/codes.py
         volunteer/accounts/identity.py)
for vocabulary in "$ROOT"/volunteer/*/vocabulary.py; do
  module="${vocabulary#"$ROOT"/}"
  MODULES+=("$module")
  TESTS[$module]="$VOCABULARY_TESTS"
done

name_of() { echo "${1%.py}" | tr / .; }

report() {
  local out="$1"; shift
  "$VENV/bin/python" - "$out" "$EQUIVALENTS" "$@" <<'PY'
import sys
from pathlib import Path

out, doc, modules = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]


def changed(lines):
    """The lines a mutant removes and adds, stripped, without diff headers and blank lines."""
    minus = tuple(l[1:].strip() for l in lines if l.startswith("-") and not l.startswith("---") and l[1:].strip())
    plus = tuple(l[1:].strip() for l in lines if l.startswith("+") and not l.startswith("+++") and l[1:].strip())
    return minus, plus


# bench/mutation-equivalents.md: in ```diff blocks, "# <module>" and then one mutant per
# paragraph, its removed (-) and added (+) lines
equivalents: dict[str, set] = {}
fenced, module, paragraph = False, None, []
for line in doc.read_text(encoding="utf-8").splitlines() if doc.exists() else []:
    if fenced and line.startswith("# "):
        module = line[2:].strip()
    elif fenced and line.strip() and not line.startswith("```"):
        paragraph.append(line)
    elif paragraph:  # a blank line or the fence's end closes a mutant
        equivalents.setdefault(module, set()).add(changed(paragraph))
        paragraph = []
    if line.startswith("```"):
        fenced = line.strip() == "```diff"

print(f"{'module':40} {'mutants':>7} {'killed':>6} {'survived':>8} {'equivalent':>10} {'timeout':>7} {'score':>7}")
for module in modules:
    name = module.removesuffix(".py").replace("/", ".")
    fields = (out / f"{name}.score").read_text().split()
    if fields[1] == "FAILED":
        print(f"{module:40} FAILED: see {out / (name + '.log')}")
        continue
    total, killed, survived, timeout, other = map(int, fields[1:6])
    blocks = (out / f"{name}.survivors.diff").read_text(encoding="utf-8").split("# mutant ")[1:]
    unexplained = [b.split()[0] for b in blocks if changed(b.splitlines()) not in equivalents.get(module, set())]
    equivalent = survived - len(unexplained)
    score = 100 * killed / (total - equivalent) if total > equivalent else 100.0
    print(f"{module:40} {total:7} {killed:6} {survived:8} {equivalent:10} {timeout:7} {score:6.1f} %"
          + (f"  not killed: mutants {', '.join(unexplained)}" if unexplained else "")
          + (f"  ({other} skipped or untested)" if other else ""))
PY
}

if [ "${1:-}" = "--report" ]; then
  out="${2:?--report DIR}"; shift 2
  if [ $# -gt 0 ]; then report "$out" "$@"; else report "$out" "${MODULES[@]}"; fi
  exit 0
fi
if [ $# -gt 0 ]; then MODULES=("$@"); fi

JOBS="${MUTATION_JOBS:-2}"
OUT="${MUTATION_OUT:-$(mktemp -d /tmp/mutation.XXXXXX)}"
mkdir -p "$OUT"
WORK="$(mktemp -d /tmp/mutation-trees.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
  -r "$ROOT/requirements-mutation.txt" -c "$ROOT/constraints.txt"

# The tests run on SQLite; no pytest plugin is loaded by entry point (schemathesis and playwright
# add seconds to each of the hundreds of runs and none of these tests uses them).
unset DATABASE_URL
export PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 PYTHONDONTWRITEBYTECODE=1 PATH="$VENV/bin:$PATH"

run_module() {
  local module="$1" name tests copy rc=0
  name="$(name_of "$module")"
  copy="$WORK/$name"
  tests=""
  for test in ${TESTS[$module]:?no tests listed for $module}; do
    if [ -e "$ROOT/${test%%::*}" ]; then tests+=" $test"; else echo "$module: $test does not exist" >&2; fi
  done
  rsync -a --exclude .git --exclude .venv --exclude node_modules --exclude instance \
    --exclude __pycache__ --exclude .mutmut-cache --exclude .pytest_cache --exclude .hypothesis \
    --exclude .schemathesis --exclude .import_linter_cache --exclude .ruff_cache "$ROOT/" "$copy/"
  # mutmut 2 takes only exit status 1 for failed tests: a mutant that breaks the import (pytest's
  # 2, a collection error) would pass for a survivor, hence `|| exit 1`. A timeout is a mutant that
  # made the tests loop (working_days_between's loop): killed. The base allowance keeps a busy
  # machine from calling slow runs suspicious.
  (cd "$copy" && mutmut run --paths-to-mutate "$module" --tests-dir tests --test-time-base 30 \
     --runner "bash -c 'python -m pytest -x -q -p no:cacheprovider$tests || exit 1'" --simple-output --no-progress) \
    >"$OUT/$name.log" 2>&1 || rc=$?
  if (( rc & 1 )); then
    echo "$module: mutmut failed (exit $rc), see $OUT/$name.log" >&2
    echo "$module FAILED" >"$OUT/$name.score"
    return 0
  fi
  (cd "$copy" && python - "$module" >"$OUT/$name.score" <<'PY'
import sqlite3
import sys

counts = dict(sqlite3.connect(".mutmut-cache").execute("SELECT status, count(*) FROM Mutant GROUP BY status"))
total = sum(counts.values())
# suspicious: killed, but slowly; timeout: the tests never finished, so they did not pass
killed = counts.get("ok_killed", 0) + counts.get("ok_suspicious", 0) + counts.get("bad_timeout", 0)
survived = counts.get("bad_survived", 0)
other = total - killed - survived  # skipped or untested: should be 0
print(sys.argv[1], total, killed, survived, counts.get("bad_timeout", 0), other)
PY
  )
  : >"$OUT/$name.survivors.diff"
  for id in $(cd "$copy" && python -c "import sqlite3; print(*(r[0] for r in sqlite3.connect('.mutmut-cache')
      .execute(\"SELECT id FROM Mutant WHERE status = 'bad_survived' ORDER BY id\")))"); do
    (cd "$copy" && echo "# mutant $id" && mutmut show "$id" && echo) >>"$OUT/$name.survivors.diff"
  done
  echo "done: $(cat "$OUT/$name.score")" >&2
}

start=$SECONDS
running=0
for module in "${MODULES[@]}"; do
  if (( running >= JOBS )); then wait -n; running=$((running - 1)); fi
  run_module "$module" &
  running=$((running + 1))
done
wait

report "$OUT" "${MODULES[@]}"
echo "target: 90 % each, every survivor equivalent; diffs and logs in $OUT"
echo "took $(( (SECONDS - start) / 60 )) min $(( (SECONDS - start) % 60 )) s with $JOBS at once"
