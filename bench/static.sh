#!/bin/sh
# bench/static.sh - static files, side by side in one run: cgihttpd, nginx
# and lighttpd serve the same 1 KiB and 1 MiB files from the same docroot,
# each with 2 workers and access logs off, on 127.0.0.1; wrk -t2 -c64
# keep-alive measures req/s and p99 latency. Prints each server's idle RSS
# (VmRSS summed over its processes) and the ratio of cgihttpd to the faster
# peer. Never asserted by a test: a report, not a pass/fail.
#
#   sh bench/static.sh [BUILD_DIR]     BENCH_SECONDS=10 per wrk run
set -u
cd "$(dirname "$0")/.."
B=${1:-build}
. bench/lib.sh
bench_init static

CONNS=${BENCH_STATIC_CONNS:-64}
WORKERS=2
WWW=$BT/www
mkdir -p "$WWW"
"$BENCH_PY" - "$WWW" <<'EOF'
import sys
root = sys.argv[1]
line = b"static benchmark file: the same bytes for every server.......\n"
for name, size in (("1k.txt", 1024), ("1m.txt", 1048576)):
    data = (line * (size // len(line) + 1))[:size]
    with open(f"{root}/{name}", "wb") as f:
        f.write(data)
EOF
chmod 755 "$WWW"
chmod 644 "$WWW"/*

RES=$BT/results
: >"$RES"
echo "== static: wrk -t2 -c$CONNS -d${BENCH_SECONDS}s --latency, keep-alive," \
    "127.0.0.1, $WORKERS workers each, access logs off for all"

# check_and_run NAME PORT PID: verify both files come back whole, then
# record idle RSS and run wrk on each file.
check_and_run() {
	_name=$1
	_port=$2
	_pid=$3
	for _f in 1k.txt 1m.txt; do
		_code=$(bench_fetch "http://127.0.0.1:$_port/$_f" "$BT/got")
		if [ "$_code" != 200 ] || ! cmp -s "$BT/got" "$WWW/$_f"; then
			echo "$_name: GET /$_f gave status $_code or wrong bytes: skipped"
			return 1
		fi
	done
	sleep 1
	_rss=$(bench_rss_kib "$_pid")
	_pss=$(bench_pss_kib "$_pid")
	_np=$(bench_nprocs "$_pid")
	echo "rss $_name $_rss $_np $_pss" >>"$RES"
	for _f in 1k.txt 1m.txt; do
		bench_wrk "$BT/wrk-$_name-$_f.txt" "http://127.0.0.1:$_port/$_f" \
		    -t2 -c"$CONNS"
		echo "wrk $_name $_f $W_RPS $W_P99 $W_ERR $W_MBS $W_RERR" >>"$RES"
	done
}

run_cgihttpd() {
	SRV=$(bench_cgihttpd_bin "$B")
	if [ -z "$SRV" ]; then
		echo "cgihttpd: $B/cgihttpd not built: skipped"
		return
	fi
	bench_start_cgihttpd "$BT/cgihttpd.log" "$SRV" -b 127.0.0.1 -p 0 \
	    -w "$WORKERS" --access-log off \
	    --error-log "$BT/cgihttpd-error.log" "$WWW"
	if [ -n "$CGIHTTPD_PORT" ]; then
		check_and_run cgihttpd "$CGIHTTPD_PORT" "$BENCH_PID"
	else
		echo "cgihttpd: did not start:"
		tail -n 5 "$BT/cgihttpd.log"
	fi
	bench_stop "$BENCH_PID"
}

run_nginx() {
	if bench_nginx_start nginx "$WWW" "$WORKERS"; then
		check_and_run nginx "$BENCH_PORT" "$BENCH_PID"
	else
		echo "nginx: did not start:"
		tail -n 5 "$BT/nginx/error.log"
	fi
	bench_stop "$BENCH_PID"
}

run_lighttpd() {
	if bench_lighttpd_start lighttpd "$WWW" "$WORKERS"; then
		check_and_run lighttpd "$BENCH_PORT" "$BENCH_PID"
	else
		echo "lighttpd: did not start:"
		tail -n 5 "$BT/lighttpd/error.log" "$BT/lighttpd/stdout.log"
	fi
	bench_stop "$BENCH_PID"
}

bench_want cgihttpd && run_cgihttpd
bench_want nginx && run_nginx
bench_want lighttpd && run_lighttpd

# The report.
echo
printf '%-10s %6s %14s %14s\n' server procs "idle RSS sum" "idle PSS sum"
awk '$1 == "rss" { printf "%-10s %6d %10.1f MiB %10.1f MiB\n", $2, $4,
    $3 / 1024, $5 / 1024 }' "$RES"
echo
printf '%-7s %-10s %10s %9s %10s %7s %8s\n' file server "req/s" "MiB/s" "p99 ms" \
    errors "read err"
awk '$1 == "wrk" { printf "%-7s %-10s %10.0f %9.1f %10.2f %7d %8d\n",
    ($3 == "1k.txt" ? "1 KiB" : "1 MiB"), $2, $4, $7, $5, $6, $8 }' "$RES"
echo

get() { # KIND SERVER FILE FIELD
	awk -v s="$2" -v f="$3" -v k="$4" '$1 == "wrk" && $2 == s && $3 == f {
		print $k }' "$RES"
}
for f in 1k.txt 1m.txt; do
	label=$([ "$f" = 1k.txt ] && echo "1 KiB" || echo "1 MiB")
	best=""
	bestv=0
	for p in nginx lighttpd; do
		v=$(get wrk "$p" "$f" 4)
		e=$(get wrk "$p" "$f" 6)
		[ -n "$v" ] && [ "${e:-1}" -eq 0 ] || continue
		if awk -v a="$v" -v b="$bestv" 'BEGIN { exit !(a > b) }'; then
			best=$p
			bestv=$v
		fi
	done
	c=$(get wrk cgihttpd "$f" 4)
	ce=$(get wrk cgihttpd "$f" 6)
	if [ -z "$c" ]; then
		echo "$label: cgihttpd not measured"
		continue
	fi
	if [ "${ce:-0}" -ne 0 ]; then
		echo "$label: cgihttpd had $ce errors or non-2xx answers: ratio not valid"
	fi
	r=$(bench_ratio "$c" "$bestv")
	if [ "$f" = 1k.txt ]; then
		goal="goal >= 1.0: $(bench_goal "$r" ge 1.0)"
	else
		goal="goal: at the peers' throughput or better: $(bench_goal "$r" ge 1.0)"
	fi
	bp99=$(get wrk "$best" "$f" 5)
	cp99=$(get wrk cgihttpd "$f" 5)
	echo "$label: cgihttpd / $best (faster peer) req/s = $r ($goal);" \
	    "p99 $cp99 ms vs $bp99 ms"
done
crss=$(awk '$1 == "rss" && $2 == "cgihttpd" { print $3 }' "$RES")
if [ -n "$crss" ]; then
	m=$(awk -v k="$crss" 'BEGIN { printf "%.1f", k / 1024 }')
	echo "cgihttpd idle RSS $m MiB (goal <= 2 MiB: $(bench_goal "$m" le 2.0))"
fi
exit 0
