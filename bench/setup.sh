#!/bin/sh
# bench/setup.sh - install the benchmark peers from Debian, only if missing,
# and say what is installed. The peers are lighttpd, apache2, nginx (light),
# fcgiwrap, wrk and php-cgi. Debian's maintainer scripts would start system
# services listening on port 80; a temporary policy-rc.d that exits 101
# forbids that, and any service that is running anyway is not ours to keep,
# so the script checks that none of the peers is left listening.
set -e

# "check package" pairs: check is a command name or an absolute path.
NEEDS="
/usr/sbin/lighttpd lighttpd
/usr/sbin/apache2 apache2
/usr/sbin/nginx nginx-light
/usr/sbin/fcgiwrap fcgiwrap
wrk wrk
php-cgi php-cgi
/usr/bin/python3 python3
"
missing=""
for_each_need() {
	printf '%s\n' "$NEEDS" | while read -r check pkg; do
		[ -n "$check" ] || continue
		case $check in
		/*) [ -e "$check" ] && continue ;;
		*) command -v "$check" >/dev/null 2>&1 && continue ;;
		esac
		printf ' %s' "$pkg"
	done
}
missing=$(for_each_need)

if [ -z "$missing" ]; then
	echo "bench/setup: all peers present (lighttpd apache2 nginx fcgiwrap wrk php-cgi)"
	exit 0
fi
echo "bench/setup: installing Debian packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "bench/setup: run as root, or: sudo apt-get install$missing" >&2
	exit 1
fi
made_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	made_policy=1
fi
cleanup() {
	[ "$made_policy" -eq 0 ] || rm -f /usr/sbin/policy-rc.d
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# --no-install-recommends keeps apache2's and php's optional extras out.
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing

# A service started despite policy-rc.d would hold port 80 for the whole
# session: report it (we never kill what we did not start).
for p in lighttpd apache2 nginx fcgiwrap; do
	if pgrep -x "$p" >/dev/null 2>&1; then
		echo "bench/setup: WARNING: a '$p' process is running after install" >&2
	fi
done
echo "bench/setup: done"
