#!/bin/sh
# bench/run.sh - make bench: installs missing peers (bench/setup.sh, unless
# BENCH_NO_SETUP=1), then runs the static, CGI and parser benchmarks in
# turn and prints their reports. Writes nothing into the repository unless
# BENCH_WRITE_RESULTS=1, which replaces the measured part of
# bench/RESULTS.md with this run's output (date, commit, machine, commands
# above it). Each script stops its own servers by PID, even on failure.
#
#   sh bench/run.sh [BUILD_DIR]   BENCH_SECONDS=5 per load run, BENCH_ROUNDS=3
set -u
cd "$(dirname "$0")/.." || exit 1
B=${1:-build}
. bench/lib.sh

if [ "${BENCH_NO_SETUP:-0}" != 1 ]; then
	sh bench/setup.sh || exit 1
fi
LOG=$(mktemp "${TMPDIR:-/tmp}/bench-run.XXXXXX") || exit 1
trap 'rm -f "$LOG"' EXIT
trap 'exit 130' INT TERM HUP PIPE

{
	echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "commit:  $(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
	    "$(git status --porcelain 2>/dev/null | grep -q . && echo '(work tree has uncommitted changes)')"
	echo "machine: $(bench_machine)"
	echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15-min load average at start)"
	echo "peers:   $(nginx -v 2>&1 | sed 's/.*: //'), $(lighttpd -v 2>&1 | cut -d' ' -f1)," \
	    "$(apache2 -v 2>/dev/null | sed -n 's/^Server version: //p'), fcgiwrap," \
	    "$(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2), Python $("$BENCH_PY" -c 'import platform; print(platform.python_version())')"
	echo
	sh bench/static.sh "$B"
	echo
	sh bench/cgi.sh "$B"
	echo
	sh bench/parse.sh "$B"
	echo
	echo "end:     $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | tee "$LOG"

if [ "${BENCH_WRITE_RESULTS:-0}" = 1 ]; then
	R=bench/RESULTS.md
	# Keep what is above the marker (the hand-written notes), replace the rest.
	if [ -f "$R" ] && grep -q '^<!-- measured -->$' "$R"; then
		sed '/^<!-- measured -->$/q' "$R" >"$R.tmp"
	else
		printf '# Benchmark results\n\n<!-- measured -->\n' >"$R.tmp"
	fi
	{
		echo
		echo "Output of \`make bench\` (\`sh bench/run.sh $B\`," \
		    "BENCH_SECONDS=$BENCH_SECONDS, BENCH_ROUNDS=${BENCH_ROUNDS:-3})," \
		    "as printed:"
		echo
		echo '```'
		cat "$LOG"
		echo '```'
	} >>"$R.tmp"
	mv "$R.tmp" "$R"
	echo "bench: wrote $R"
fi
