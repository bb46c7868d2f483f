#!/bin/sh
# scripts/fuzz.sh - make fuzz: builds every fuzz/fuzz_*.c with libFuzzer,
# ASan and UBSan (clang) and runs each for SECONDS (default 60) on its
# corpus; a crash stops the run with a non-zero exit and leaves the input in
# build-fuzz/. Minimise it into fuzz/regress/<name>/ and add a unit-test row.
set -e
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-60}
FB=build-fuzz
SAN="-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all"
CF="-std=c17 -g -O1 -D_GNU_SOURCE -DCGI_VERSION=\"fuzz\" -Iinclude -Ilib -Iserver"
mkdir -p "$FB/obj"
objs=""
for src in lib/*.c server/*.c; do
	[ "$src" = server/main.c ] && continue
	o="$FB/obj/$(echo "$src" | tr / _).o"
	clang $CF -fsanitize=fuzzer-no-link,address,undefined -c "$src" -o "$o"
	objs="$objs $o"
done
rc=0
for t in fuzz/fuzz_*.c; do
	[ -f "$t" ] || continue
	n=$(basename "$t" .c)
	n=${n#fuzz_}
	# shellcheck disable=SC2086
	clang $CF $SAN "$t" $objs -o "$FB/fuzz_$n" -lpthread
	mkdir -p "$FB/corpus/$n"
	dict=""
	[ -f "fuzz/$n.dict" ] && dict="-dict=fuzz/$n.dict"
	echo "== fuzz $n for ${SECONDS_EACH}s"
	# shellcheck disable=SC2086
	if ! (cd "$FB" && ./fuzz_$n -max_total_time="$SECONDS_EACH" \
	    -print_final_stats=1 $(echo $dict | sed 's|=fuzz/|=../fuzz/|') \
	    "corpus/$n" "../fuzz/corpus/$n") >"$FB/fuzz_$n.log" 2>&1; then
		tail -n 40 "$FB/fuzz_$n.log"
		echo "fuzz $n: FAILED (inputs in $FB/)"
		rc=1
	else
		grep -E 'stat::number_of_executed_units|Done' "$FB/fuzz_$n.log" | tail -n 2
	fi
done
exit $rc
