#!/bin/sh
# tests/run.sh - runs the test suites and prints one closing line,
# "N passed, N failed", that sums them all (DESIGN §6).
#
#   sh tests/run.sh BUILD_DIR all|unit|fuzz|e2e|browser
#
# Each suite prints its own "N passed, N failed" line; a suite that dies
# without one counts as one failure. Skips are said on their own lines.
B=${1:-build}
WHAT=${2:-all}
PYTHON=${PYTHON:-/usr/bin/python3}
OUT=${TEST_OUT:-tests/out}
mkdir -p "$OUT"
total_p=0
total_f=0

# count NAME LOGFILE RC: add the suite's closing line to the totals.
count() {
	line=$(grep -a -E '^([A-Za-z]+: )?[0-9]+ passed, [0-9]+ failed' "$2" | tail -n 1)
	if [ -z "$line" ]; then
		echo "suite $1: no closing line (exit $3): counted as 1 failure"
		total_f=$((total_f + 1))
		return
	fi
	p=$(echo "$line" | sed -E 's/^([A-Za-z]+: )?([0-9]+) passed.*/\2/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "suite $1: exit $3 with no failure counted: counted as 1 failure"
		f=1
	fi
	total_p=$((total_p + p))
	total_f=$((total_f + f))
}

run_suite() { # NAME CMD...
	name=$1
	shift
	log="$OUT/$(echo "$name" | tr '/ ' '__').log"
	echo "== $name"
	"$@" >"$log" 2>&1
	rc=$?
	grep -a -vE '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 60
	count "$name" "$log" "$rc"
	tail -n 1 "$log" | grep -aqE 'passed' && tail -n 1 "$log"
}

unit() {
	for t in "$B"/tests/unit/test_*; do
		[ -x "$t" ] || continue
		run_suite "unit/${t##*/}" timeout 120 "$t"
	done
}

fuzz() {
	for t in "$B"/fuzz/fuzz_*; do
		[ -x "$t" ] || continue
		n=${t##*/fuzz_}
		run_suite "fuzz-replay/$n" timeout 300 "$t" "fuzz/corpus/$n" "fuzz/regress/$n"
	done
}

e2e() {
	if ls tests/e2e/test_*.py >/dev/null 2>&1; then
		CGIHTTPD_BUILD=$B run_suite e2e timeout 2400 "$PYTHON" tests/e2e/run.py
	fi
}

browser() {
	if [ -f tests/browser/run.mjs ]; then
		CGIHTTPD_BUILD=$B run_suite browser timeout 900 node tests/browser/run.mjs
	fi
}

case $WHAT in
all) unit; fuzz; e2e; browser ;;
c) unit; fuzz ;;
unit|fuzz|e2e|browser) $WHAT ;;
*) echo "tests/run.sh: unknown suite $WHAT" >&2; exit 2 ;;
esac
echo "$total_p passed, $total_f failed"
[ "$total_f" -eq 0 ]
