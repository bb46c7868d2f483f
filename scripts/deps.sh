#!/bin/sh
# scripts/deps.sh - make deps: installs only what is missing, and says what.
# Debian packages through apt-get (as root), playwright-core through npm
# (into tests/browser/node_modules, from its package-lock.json). Nothing
# else is fetched. Benchmarks install their own peers (bench/setup.sh).
set -e
cd "$(dirname "$0")/.."

# "check package" pairs: check is a command name or an absolute path.
NEEDS="
cc gcc
make make
clang clang
objcopy binutils
/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a libclang-rt-14-dev
curl curl
git git
/usr/bin/python3 python3
php-cgi php-cgi
/usr/include/sqlite3.h libsqlite3-dev
sqlite3 sqlite3
/usr/bin/chromium chromium
node nodejs
npm npm
nginx nginx-light
spawn-fcgi spawn-fcgi
mandoc mandoc
clang-format clang-format
valgrind valgrind
pkg-config pkg-config
"
missing=""
printf '%s\n' "$NEEDS" | {
	while read -r check pkg; do
		[ -n "$check" ] || continue
		case $check in
		/*) [ -e "$check" ] && continue ;;
		*) command -v "$check" >/dev/null 2>&1 && continue ;;
		esac
		missing="$missing $pkg"
	done
	echo "$missing" >.deps-missing.tmp
}
missing=$(cat .deps-missing.tmp)
rm -f .deps-missing.tmp

if [ -n "$missing" ]; then
	echo "deps: installing Debian packages:$missing"
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: run as root, or: sudo apt-get install$missing" >&2
		exit 1
	fi
	# Packages such as nginx would start a system service listening on
	# port 80 at install; a policy-rc.d that says "no" prevents that.
	made_policy=0
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		made_policy=1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing
	[ "$made_policy" -eq 0 ] || rm -f /usr/sbin/policy-rc.d
fi

if [ -f tests/browser/package.json ] &&
    [ ! -d tests/browser/node_modules/playwright-core ]; then
	echo "deps: installing npm playwright-core into tests/browser/node_modules"
	(cd tests/browser && npm ci --no-audit --no-fund --silent)
fi
exit 0
