#!/bin/sh
# bench/static.sh - static files, side by side in one run: cgihttpd, nginx
# and lighttpd serve the same 1 KiB and 1 MiB files from the same docroot,
# each with 2 workers and access logs off, on 127.0.0.1; wrk -t2 -c64
# keep-alive measures req/s and p99 latency, in BENCH_ROUNDS rounds that
# interleave the servers; the best round of each is reported. Prints each
# server's idle RSS (VmRSS summed over its processes) and the ratio of
# cgihttpd to the faster peer. Never asserted by a test: a report.
#
#   sh bench/static.sh [BUILD_DIR]   BENCH_SECONDS=5 per wrk run, BENCH_ROUNDS=3
set -u
cd "$(dirname "$0")/.." || exit 1
B=${1:-build}
. bench/lib.sh
bench_init static

CONNS=${BENCH_STATIC_CONNS:-64}
ROUNDS=${BENCH_ROUNDS:-3}
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
    "127.0.0.1, $WORKERS workers each, access logs off for all;" \
    "$ROUNDS rounds, servers interleaved, best round reported"

# ready NAME PORT PID: check that both files come back whole, record the
# idle RSS, and add the server to the list that the rounds load.
SERVERS=""
ready() {
	for _f in 1k.txt 1m.txt; do
		_code=$(bench_fetch "http://127.0.0.1:$2/$_f" "$BT/got")
		if [ "$_code" != 200 ] || ! cmp -s "$BT/got" "$WWW/$_f"; then
			echo "$1: GET /$_f gave status $_code or wrong bytes: not measured"
			return 1
		fi
	done
	sleep 1
	echo "rss $1 $(bench_rss_kib "$3") $(bench_nprocs "$3") $(bench_pss_kib "$3")" \
	    >>"$RES"
	SERVERS="$SERVERS $1:$2"
}

start_cgihttpd() {
	SRV=$(bench_cgihttpd_bin "$B")
	if [ -z "$SRV" ]; then
		echo "cgihttpd: $B/cgihttpd not built: not measured"
		return
	fi
	bench_start_cgihttpd "$BT/cgihttpd.log" "$SRV" -b 127.0.0.1 -p 0 \
	    -w "$WORKERS" --access-log off \
	    --error-log "$BT/cgihttpd-error.log" "$WWW"
	if [ -n "$CGIHTTPD_PORT" ]; then
		ready cgihttpd "$CGIHTTPD_PORT" "$BENCH_PID"
	else
		echo "cgihttpd: did not start: $(tail -n 1 "$BT/cgihttpd.log")"
	fi
}

start_nginx() {
	if bench_nginx_start nginx "$WWW" "$WORKERS"; then
		ready nginx "$BENCH_PORT" "$BENCH_PID"
	else
		echo "nginx: did not start: $(tail -n 1 "$BT/nginx/error.log")"
	fi
}

start_lighttpd() {
	if bench_lighttpd_start lighttpd "$WWW" "$WORKERS"; then
		ready lighttpd "$BENCH_PORT" "$BENCH_PID"
	else
		echo "lighttpd: did not start: $(tail -n 1 "$BT/lighttpd/stdout.log")"
	fi
}

# All servers run at once (idle ones cost nothing), so the rounds can
# interleave them: a burst of load from elsewhere then hits one round of
# each rather than all rounds of one.
bench_want cgihttpd && start_cgihttpd
bench_want nginx && start_nginx
bench_want lighttpd && start_lighttpd
r=1
while [ $r -le "$ROUNDS" ]; do
	for f in 1k.txt 1m.txt; do
		for sp in $SERVERS; do
			s=${sp%%:*}
			bench_wrk "$BT/wrk-$s-$f-$r.txt" \
			    "http://127.0.0.1:${sp#*:}/$f" -t2 -c"$CONNS"
			echo "wrk $s $f $r $W_RPS $W_P99 $W_ERR $W_MBS $W_RERR" >>"$RES"
		done
	done
	r=$((r + 1))
done
for p in $BENCH_PIDS; do
	bench_stop "$p"
done

# The report: per server and file, the round with the most req/s; its
# p99 and errors; and every round's req/s so the spread shows.
awk '$1 == "wrk" { k = $2 " " $3; all[k] = all[k] (all[k] == "" ? "" : "/") int($5)
	if (!(k in best) || $5 + 0 > rps[k]) { best[k] = $0; rps[k] = $5 + 0 } }
    END { for (k in best) print "best", substr(best[k], 5), all[k] }' "$RES" |
    sort -k2,2 -k3,3 >"$BT/best"
echo
printf '%-10s %6s %14s %14s\n' server procs "idle RSS sum" "idle PSS sum"
awk '$1 == "rss" { printf "%-10s %6d %10.1f MiB %10.1f MiB\n", $2, $4,
    $3 / 1024, $5 / 1024 }' "$RES"
echo
printf '%-6s %-9s %8s %8s %9s %6s %5s  %s\n' file server "req/s" "MiB/s" \
    "p99 ms" errors "rd er" "req/s of each round"
awk '{ printf "%-6s %-9s %8.0f %8.1f %9.2f %6d %5d  %s\n",
    ($3 == "1k.txt" ? "1 KiB" : "1 MiB"), $2, $5, $8, $6, $7, $9, $10 }' \
    "$BT/best"
echo

get() { # SERVER FILE FIELD (of a "best" line)
	awk -v s="$1" -v f="$2" -v k="$3" '$2 == s && $3 == f { print $k }' \
	    "$BT/best"
}
for f in 1k.txt 1m.txt; do
	label=$([ "$f" = 1k.txt ] && echo "1 KiB" || echo "1 MiB")
	best=""
	bestv=0
	for p in nginx lighttpd; do
		v=$(get "$p" "$f" 5)
		e=$(get "$p" "$f" 7)
		[ -n "$v" ] && [ "${e:-1}" -eq 0 ] || continue
		if awk -v a="$v" -v b="$bestv" 'BEGIN { exit !(a > b) }'; then
			best=$p
			bestv=$v
		fi
	done
	c=$(get cgihttpd "$f" 5)
	ce=$(get cgihttpd "$f" 7)
	if [ -z "$c" ]; then
		echo "$label: cgihttpd not measured"
		continue
	fi
	if [ -z "$best" ]; then
		echo "$label: no peer measured without errors: no ratio"
		continue
	fi
	[ "${ce:-0}" -eq 0 ] ||
		echo "$label: cgihttpd had $ce errors or non-2xx answers: ratio not valid"
	r=$(bench_ratio "$c" "$bestv")
	if [ "$f" = 1k.txt ]; then
		goal="goal >= 1.0: $(bench_goal "$r" ge 1.0)"
	else
		goal="goal: the peers' throughput or better: $(bench_goal "$r" ge 1.0)"
	fi
	echo "$label: cgihttpd / $best (the faster peer) req/s = $r ($goal);" \
	    "p99 $(get cgihttpd "$f" 6) ms vs $(get "$best" "$f" 6) ms"
done
crss=$(awk '$1 == "rss" && $2 == "cgihttpd" { print $3 }' "$RES")
if [ -n "$crss" ]; then
	m=$(awk -v k="$crss" 'BEGIN { printf "%.1f", k / 1024 }')
	echo "cgihttpd idle RSS $m MiB (goal <= 2 MiB: $(bench_goal "$m" le 2.0))"
fi
exit 0
