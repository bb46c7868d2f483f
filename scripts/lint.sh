#!/bin/sh
# scripts/lint.sh - make lint (STYLE Rules 4, 5, 8, 20): formatting by
# clang-format, banned functions, every header compiled alone, man pages
# through mandoc -Tlint, and no global symbol in libcgi.a outside cgi_.
# Prints each problem and ends with "N passed, N failed" over the checks.
cd "$(dirname "$0")/.."
B=${1:-build}
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "lint: $*"; }

CFILES=$(ls include/*.h lib/*.[ch] server/*.[ch] tests/unit/*.c tests/tools/*.c \
    fuzz/*.c examples/cgi-bin/*.c bench/*.c 2>/dev/null)

# 1. Formatting.
for f in $CFILES; do
	if clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then ok; else
		bad "$f: not clang-formatted (clang-format -i $f)"; fi
done

# 2. Banned functions (STYLE Rule 8).
banned='\b(strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi|atol|alloca)[[:space:]]*\('
for f in $CFILES; do
	if grep -nE "$banned" "$f" | grep -vE '^[0-9]+:[[:space:]]*(/\*|\*)' | grep -vE '(snprintf|vsnprintf)\(' >/tmp/lint.$$ 2>/dev/null &&
	    [ -s /tmp/lint.$$ ]; then
		bad "$f: banned function: $(head -n 1 /tmp/lint.$$)"
	else
		ok
	fi
done
rm -f /tmp/lint.$$

# 3. Each header stands alone.
for h in include/*.h lib/*.h server/*.h; do
	[ -f "$h" ] || continue
	if echo "#include \"$h\"" | cc -std=c17 -D_GNU_SOURCE -Iinclude -Ilib -Iserver \
	    -I. -fsyntax-only -x c - 2>/tmp/lint.$$; then ok; else
		bad "$h: does not compile alone: $(head -n 1 /tmp/lint.$$)"; fi
done
rm -f /tmp/lint.$$

# 4. Man pages.
for m in man/*.[358]; do
	[ -f "$m" ] || continue
	if out=$(mandoc -Tlint -Wwarning "$m" 2>&1) && [ -z "$out" ]; then ok; else
		bad "$m: $(echo "$out" | head -n 1)"; fi
done

# 5. libcgi.a exports only cgi_ names.
if [ -f "$B/libcgi.a" ]; then
	extra=$(nm -g --defined-only "$B/libcgi.a" 2>/dev/null |
	    awk 'NF == 3 { print $3 }' | grep -v '^cgi_' | head -n 5)
	if [ -z "$extra" ]; then ok; else
		bad "$B/libcgi.a exports non-cgi_ symbols: $extra"; fi
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
