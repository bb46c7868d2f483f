#!/bin/sh
# bench/parse.sh - libcgi's body parsers against Python's cgi.FieldStorage,
# on the same bodies in one run (bench/bodies.py writes them): a 10 MiB
# upload, a 1 MiB form of 20,000 fields, and hostile bodies at sizes n and
# 2n (a part of only CRLFs, 100,000 tiny fields, a part full of
# near-boundaries). Prints MB/s for both, the ratio, the upload throughput,
# the time ratio 2n/n of each hostile pair (linear time: ~2) and the peak
# RSS of a 10 MiB and a 40 MiB upload (flat: memory independent of size).
# build/bench/parse_bench (bench/parse_bench.c, the libcgi side) is not
# ours to write; without it, FieldStorage is measured alone and that is
# said. Never asserted by a test.
#
#   sh bench/parse.sh [BUILD_DIR]
set -u
cd "$(dirname "$0")/.." || exit 1
B=${1:-build}
. bench/lib.sh
bench_init parse

PB=$B/bench/parse_bench
ROUNDS=${BENCH_ROUNDS:-3}
BODIES=$BT/bodies
"$BENCH_PY" bench/bodies.py "$BODIES" || exit 1
RES=$BT/results
: >"$RES"
echo "== parse: libcgi ($PB) vs cgi.FieldStorage ($BENCH_PY" \
    "$("$BENCH_PY" -c 'import platform; print(platform.python_version())'))"
HAVE_PB=0
if [ -x "$PB" ]; then
	HAVE_PB=1
else
	echo "libcgi: $PB not built (bench/parse_bench.c absent or not" \
	    "compiling): only FieldStorage is measured, no ratios"
fi

# libcgi NAME CTYPE FILE SIZE: run parse_bench; prints "MBS RSS_KIB
# BODY_KIB". BODY_KIB is 0 unless parse_bench says "(file itself N KiB)",
# which a version that held the body in memory did; it is subtracted.
libcgi() {
	# One parse to learn the speed, then BENCH_ROUNDS (3) runs of about
	# BENCH_PARSE_SECONDS (1) each, 3 to 2000 parses; the best is kept.
	timeout 120 "$PB" "$3" "$2" 1 >"$BT/pb-$1.txt" 2>&1
	_n=$(awk -v t="${BENCH_PARSE_SECONDS:-1}" -v sz="$4" '
	    { for (i = 2; i <= NF; i++) if ($i == "MB/s," || $i == "MB/s") m = $(i - 1) }
	    END { n = int(t * m * 1e6 / sz); if (n < 3) n = 3; if (n > 2000) n = 2000
		print n }' "$BT/pb-$1.txt")
	: >"$BT/pb-$1.txt"
	_r=0
	while [ $_r -lt "${BENCH_ROUNDS:-3}" ]; do
		timeout 300 "$PB" "$3" "$2" "$_n" >>"$BT/pb-$1.txt" 2>&1 || break
		_r=$((_r + 1))
	done
	_rc=$?
	if [ $_rc -ne 0 ]; then
		echo "libcgi: $1: parse_bench exit $_rc:" \
		    "$(tail -n 1 "$BT/pb-$1.txt")" >&2
		echo "0 0 0"
		return
	fi
	awk '
	{ for (i = 2; i <= NF; i++) {
		if (($i == "MB/s" || $i == "MB/s,") && $(i - 1) + 0 > mbs + 0)
			mbs = $(i - 1)
		if ($i ~ /^KiB/ && $(i - 2) == "RSS" && $(i - 1) + 0 > rss + 0)
			rss = $(i - 1)
		if ($i ~ /^KiB/ && $(i - 2) == "itself") file = $(i - 1)
	} }
	END { print (mbs == "" ? 0 : mbs), (rss == "" ? 0 : rss),
	    (file == "" ? 0 : file) }' "$BT/pb-$1.txt"
}

# fieldstorage NAME CTYPE FILE: prints "MBS RSS_KIB FIELDS".
fieldstorage() {
	timeout 120 "$BENCH_PY" bench/fieldstorage.py "$3" "$2" 3 20 \
	    >"$BT/fs-$1.txt" 2>&1
	sed -n 's/^fieldstorage: [0-9]* iterations, \([0-9.]*\) MB\/s, .*, \([0-9]*\) fields, peak RSS \([0-9]*\) KiB$/\1 \3 \2/p' \
	    "$BT/fs-$1.txt" | grep . || echo "0 0 0"
}

tab=$(printf '\t')
while IFS=$tab read -r name ctype size _what; do
	if [ "$HAVE_PB" -eq 1 ]; then
		lc=$(libcgi "$name" "$ctype" "$BODIES/$name.body" "$size")
	else
		lc="0 0 0"
	fi
	fs=$(fieldstorage "$name" "$ctype" "$BODIES/$name.body")
	echo "$name $size $lc $fs" >>"$RES"
done <"$BODIES/bodies.tsv"

echo
printf '%-10s %6s %11s %9s %7s %11s %9s\n' body MiB "libcgi MB/s" \
    "FS MB/s" ratio "libcgi RSS" "FS RSS"
awk '{
	r = ($6 > 0 && $3 > 0) ? sprintf("%.0fx", $3 / $6) : "n/a"
	printf "%-10s %6.2f %11.1f %9.2f %7s %7.1f MiB %5.1f MiB\n",
	    $1, $2 / 1048576, $3, $6, r, ($4 - $5) / 1024, $7 / 1024
}' "$RES"
echo "(MB/s: 10^6 bytes of body per second of parsing, the best of the runs:"
echo " libcgi $ROUNDS runs of about 1 s of parses each, FieldStorage the fastest"
echo " of up to 3 parses in 20 s. RSS: peak of the process; both read the body"
echo " from the file each time, as a CGI program reads its stdin)"
echo
get() { # NAME FIELD
	awk -v n="$1" -v k="$2" '$1 == n { print $k }' "$RES"
}
# secs NAME FIELD(MBS): seconds for one parse of the body.
secs() {
	awk -v n="$1" -v k="$2" '$1 == n { if ($k > 0) printf "%.6f", $2 / 1e6 / $k }' "$RES"
}
if [ "$HAVE_PB" -eq 1 ]; then
	min=$(awk '$3 > 0 && $6 > 0 { r = $3 / $6; if (m == "" || r < m) m = r }
	    END { if (m != "") printf "%.0f", m }' "$RES")
	echo "libcgi / FieldStorage, smallest ratio over all bodies: ${min:-n/a}x" \
	    "(goal >= 100x: $(bench_goal "${min:-n/a}" ge 100))"
	up=$(get upload-10m 3)
	echo "upload throughput (10 MiB multipart): $up MB/s" \
	    "(goal >= 1000 MB/s: $(bench_goal "$up" ge 1000))"
fi
echo "linear time: seconds per parse at n and 2n, ratio 2n/n (~2 is linear):"
for pair in "crlf-4m crlf-8m" "tiny-100k tiny-200k" "nearb-4m nearb-8m"; do
	# shellcheck disable=SC2086 # two names, split on purpose
	set -- $pair
	for who in libcgi FieldStorage; do
		[ $who = libcgi ] && k=3 || k=6
		[ $who = libcgi ] && [ "$HAVE_PB" -eq 0 ] && continue
		a=$(secs "$1" "$k")
		b=$(secs "$2" "$k")
		printf '  %-12s %-20s %10s s %10s s  ratio %s\n' "$who" "$1/$2" \
		    "${a:-n/a}" "${b:-n/a}" "$(bench_ratio "$b" "$a")"
	done
done
if [ "$HAVE_PB" -eq 1 ]; then
	m10=$(($(get upload-10m 4) - $(get upload-10m 5)))
	m40=$(($(get upload-40m 4) - $(get upload-40m 5)))
	echo "libcgi peak RSS: 10 MiB upload $m10 KiB, 40 MiB upload $m40 KiB," \
	    "ratio $(bench_ratio "$m40" "$m10") (~1: memory independent of size)"
fi
echo "FieldStorage peak RSS: 10 MiB upload $(get upload-10m 7) KiB," \
    "40 MiB upload $(get upload-40m 7) KiB"
exit 0
