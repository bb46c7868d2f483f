#!/bin/sh
# scripts/run-examples.sh - what `make run` calls: stage the examples site
# (pages, the C programs, the tutorial's Python script) into one folder and
# serve it with cgihttpd in the foreground. Ctrl-C stops it: the script execs
# the server, so SIGINT reaches cgihttpd itself, which shuts down cleanly.
#
#   sh scripts/run-examples.sh [BUILD_DIR [PORT [CGIHTTPD_OPTION...]]]
#
# BUILD_DIR defaults to build, PORT to 8080 (0: the kernel picks; the server
# prints the real one). Extra arguments go to cgihttpd before the docroot.
# Environment:
#   EXAMPLES_SITE   folder to stage the site into (default BUILD_DIR/site)
#   EXAMPLES_STATE  folder for the notes database (default BUILD_DIR/examples-state)
#   EXAMPLES_BIND   listen address (default 127.0.0.1)
#   EXAMPLES_STAGE_ONLY=1  stage, print the site folder, and do not serve
#
# The served tree:
#   SITE/index.html, *.html, style.css   from examples/www/
#   SITE/cgi-bin/NAME                     BUILD_DIR/examples/cgi-bin/NAME (C, libcgi)
#   SITE/python/tutorial.py               examples/cgi-bin/tutorial.py, run through
#                                         --cgi-ext .py=/usr/bin/python3 (no #! line)
# As root, cgihttpd drops to nobody after binding: the site must be readable
# and the state folder writable by nobody. Both are checked; when nobody
# cannot reach BUILD_DIR (a clone under /root, say) they move to /tmp and
# /var/tmp, and the script says so.
set -eu
cd "$(dirname "$0")/.."
B=${1:-build}
PORT=${2:-8080}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] && shift
BIND=${EXAMPLES_BIND:-127.0.0.1}
PYTHON_INTERP=/usr/bin/python3
MARK=.cgihttpd-examples-site

say() { printf 'examples: %s\n' "$*"; }
die() { printf 'examples: %s\n' "$*" >&2; exit 1; }

[ -x "$B/cgihttpd" ] || die "$B/cgihttpd is missing: run make first"
for p in greet notes upload stream; do
	[ -x "$B/examples/cgi-bin/$p" ] || die "$B/examples/cgi-bin/$p is missing: run make first"
done

root=0
[ "$(id -u)" -eq 0 ] && root=1

# can_nobody TEST PATH: true when not root, or when nobody passes test(1).
can_nobody() {
	[ "$root" -eq 1 ] || return 0
	runuser -u nobody -- test "$1" "$2" 2>/dev/null
}

# stage DIR: copy the site into DIR (a fresh folder or one we staged before).
stage() {
	dir=$1
	if [ -f "$dir/$MARK" ]; then
		rm -rf "$dir"
	elif [ -e "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
		die "$dir is not empty and was not staged by this script: refusing to overwrite it"
	fi
	mkdir -p "$dir/cgi-bin" "$dir/python"
	: >"$dir/$MARK"
	for f in examples/www/*; do
		[ -f "$f" ] && cp "$f" "$dir/"
	done
	for f in "$B"/examples/cgi-bin/*; do
		[ -f "$f" ] && [ -x "$f" ] && cp "$f" "$dir/cgi-bin/"
	done
	cp examples/cgi-bin/tutorial.py "$dir/python/tutorial.py"
	chmod 0755 "$dir" "$dir/cgi-bin" "$dir/python"
	chmod 0644 "$dir"/*.* "$dir/python/tutorial.py"
	chmod 0755 "$dir"/cgi-bin/*
}

SITE=${EXAMPLES_SITE:-$B/site}
stage "$SITE"
SITE=$(cd "$SITE" && pwd)
if ! can_nobody -r "$SITE/index.html"; then
	SITE=$(mktemp -d "${TMPDIR:-/tmp}/cgihttpd-examples.XXXXXX")
	stage "$SITE"
	say "nobody cannot read $B: site staged in $SITE instead"
fi

# The notes database lives in a state folder that only the scripts' user
# may enter: 0700, owned by nobody when we run as root.
STATE=${EXAMPLES_STATE:-$B/examples-state}
make_state() {
	mkdir -p "$1"
	if [ "$root" -eq 1 ]; then
		[ -L "$1" ] && die "$1 is a symbolic link: refusing it as the state folder"
		chown nobody:nogroup "$1"
	fi
	chmod 0700 "$1"
}
make_state "$STATE"
STATE=$(cd "$STATE" && pwd)
if ! can_nobody -w "$STATE"; then
	STATE=${TMPDIR:-/var/tmp}/cgihttpd-examples-state
	[ -d "$STATE" ] && [ "$(stat -c %U "$STATE")" != nobody ] &&
		die "$STATE exists and is not owned by nobody: refusing it"
	make_state "$STATE"
	say "nobody cannot write under $B: notes database kept in $STATE instead"
fi

if [ "${EXAMPLES_STAGE_ONLY:-0}" = 1 ]; then
	printf '%s\n' "$SITE"
	exit 0
fi

if [ "$PORT" = 0 ]; then
	say "serving $SITE (the port is on the next line); Ctrl-C stops"
else
	say "open http://$BIND:$PORT/ in a browser; Ctrl-C stops"
fi
say "notes database: $STATE/notes.db"
exec "$B/cgihttpd" -b "$BIND" -p "$PORT" \
	--cgi-dir "/cgi-bin/=$SITE/cgi-bin" \
	--cgi-ext ".py=$PYTHON_INTERP" \
	--env "NOTES_DB=$STATE/notes.db" \
	--access-log - \
	"$@" "$SITE"
