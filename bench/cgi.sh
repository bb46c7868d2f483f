#!/bin/sh
# bench/cgi.sh - CGI, side by side in one run: the same ~200-byte C CGI
# program (bench/hello_cgi.c) under cgihttpd, lighttpd mod_cgi, apache2
# mpm_event + mod_cgid, nginx + fcgiwrap and python3 -m http.server --cgi,
# each measured by wrk -t2 -c16 on 127.0.0.1; and the spawn ceiling
# (bench/spawn_ceiling.c: posix_spawn + pipes + read to EOF + waitpid of the
# same binary on 2 workers, no HTTP), the most any server could reach.
# Prints req/s, p99 and the ratios cgihttpd / ceiling and cgihttpd /
# lighttpd. If cgihttpd cannot run the program yet, it says so and still
# measures the others. Never asserted by a test.
#
#   sh bench/cgi.sh [BUILD_DIR]   BENCH_SECONDS=5 per run, BENCH_ROUNDS=3
set -u
cd "$(dirname "$0")/.." || exit 1
B=${1:-build}
. bench/lib.sh
bench_init cgi

CONNS=${BENCH_CGI_CONNS:-16}
WORKERS=2
WWW=$BT/www
mkdir -p "$WWW/cgi-bin"
echo "static page" >"$WWW/index.html"

# The programs: the ones make built, or compiled here from the same source
# (plain cc, nothing of the repo linked) when the build has none.
tool() { # NAME: print the path of build/bench/NAME, compiling it if absent
	if [ -x "$B/bench/$1" ]; then
		echo "$B/bench/$1"
	elif cc -std=c17 -D_GNU_SOURCE -O2 -o "$BT/$1" "bench/$1.c" -lpthread; then
		echo "(cgi: $B/bench/$1 not built: compiled bench/$1.c with cc -O2)" >&2
		echo "$BT/$1"
	fi
}
HELLO=$(tool hello_cgi)
CEIL=$(tool spawn_ceiling)
if [ -z "$HELLO" ] || [ -z "$CEIL" ]; then
	echo "cgi: cannot build hello_cgi or spawn_ceiling: stopped"
	exit 1
fi
cp "$HELLO" "$WWW/cgi-bin/hello_cgi"
chmod 755 "$WWW" "$WWW/cgi-bin" "$WWW/cgi-bin/hello_cgi"
chmod 644 "$WWW/index.html"
"$WWW/cgi-bin/hello_cgi" >"$BT/expected" || exit 1
# The body a client must get: the program's output after its header.
sed '1,/^\r*$/d' "$BT/expected" >"$BT/expected-body"
URL_PATH=/cgi-bin/hello_cgi

ROUNDS=${BENCH_ROUNDS:-3}
RES=$BT/results
: >"$RES"
echo "== cgi: $(wc -c <"$BT/expected") bytes of CGI output per request;" \
    "wrk -t2 -c$CONNS -d${BENCH_SECONDS}s --latency on 127.0.0.1;" \
    "access logs off (python's request log to a file); $ROUNDS rounds," \
    "servers and ceiling interleaved, best round reported"

# ready NAME PORT: check one answer, then add the server to the rounds.
SERVERS=""
ready() {
	_code=$(bench_fetch "http://127.0.0.1:$2$URL_PATH" "$BT/got")
	if [ "$_code" != 200 ] || ! cmp -s "$BT/got" "$BT/expected-body"; then
		echo "$1: GET $URL_PATH gave status $_code or a wrong body: not measured"
		return 1
	fi
	SERVERS="$SERVERS $1:$2"
}

CGIHTTPD_CGI=0
start_cgihttpd() {
	SRV=$(bench_cgihttpd_bin "$B")
	if [ -z "$SRV" ]; then
		echo "cgihttpd: CGI not available ($B/cgihttpd not built)"
		return
	fi
	bench_start_cgihttpd "$BT/cgihttpd.log" "$SRV" -b 127.0.0.1 -p 0 \
	    -w "$WORKERS" --access-log off \
	    --error-log "$BT/cgihttpd-error.log" "$WWW"
	if [ -z "$CGIHTTPD_PORT" ]; then
		echo "cgihttpd: CGI not available (the server did not start:" \
		    "$(tail -n 1 "$BT/cgihttpd.log"))"
		return
	fi
	code=$(bench_fetch "http://127.0.0.1:$CGIHTTPD_PORT$URL_PATH" "$BT/got")
	if [ "$code" = 200 ] && cmp -s "$BT/got" "$BT/expected-body"; then
		CGIHTTPD_CGI=1
		SERVERS="$SERVERS cgihttpd:$CGIHTTPD_PORT"
	else
		echo "cgihttpd: CGI not available (GET $URL_PATH gave" \
		    "status $code, not the program's output)"
	fi
}

# lighttpd mod_cgi, 2 workers.
start_lighttpd() {
	if bench_lighttpd_start lighttpd "$WWW" "$WORKERS" \
	    'server.modules += ("mod_cgi")
$HTTP["url"] =~ "^/cgi-bin/" { cgi.assign = ("" => "") }'; then
		ready lighttpd "$BENCH_PORT"
	else
		echo "lighttpd: did not start:" \
		    "$(tail -n 2 "$BT/lighttpd/stdout.log")"
	fi
}

# apache2, mpm_event + mod_cgid, in the foreground, with a whole config of
# our own (no /etc/apache2, so no APACHE_* variables are needed).
start_apache2() {
	AD=$BT/apache2
	mkdir -p "$AD"
	APORT=$(bench_free_port)
	M=/usr/lib/apache2/modules
	cat >"$AD/apache2.conf" <<EOF
ServerRoot "$AD"
DefaultRuntimeDir "$AD"
PidFile "$AD/apache2.pid"
Mutex file:$AD default
ServerName 127.0.0.1
Listen 127.0.0.1:$APORT
User nobody
Group nogroup
ErrorLog "$AD/error.log"
LogLevel warn
LoadModule mpm_event_module $M/mod_mpm_event.so
LoadModule authz_core_module $M/mod_authz_core.so
LoadModule alias_module $M/mod_alias.so
LoadModule cgid_module $M/mod_cgid.so
ScriptSock "$AD/cgid.sock"
StartServers $WORKERS
ServerLimit $WORKERS
ThreadsPerChild 32
MinSpareThreads 16
MaxSpareThreads 64
MaxRequestWorkers 64
MaxConnectionsPerChild 0
KeepAlive On
MaxKeepAliveRequests 0
DocumentRoot "$WWW"
<Directory "$WWW">
	Require all granted
</Directory>
ScriptAlias /cgi-bin/ "$WWW/cgi-bin/"
EOF
	bench_start "$AD/stdout.log" apache2 -f "$AD/apache2.conf" -DFOREGROUND
	if bench_wait_port "$APORT" 10; then
		ready apache2 "$APORT"
	else
		echo "apache2: did not start:" \
		    "$(tail -n 2 "$AD/stdout.log" "$AD/error.log")"
	fi
}

# nginx + fcgiwrap: 2 fcgiwrap processes, as nobody, on a unix socket.
start_nginx() {
	FD=$BT/fcgiwrap
	mkdir -p "$FD"
	chown nobody:nogroup "$FD"
	bench_start "$BT/fcgiwrap.log" setpriv --reuid nobody --regid nogroup \
	    --clear-groups fcgiwrap -s "unix:$FD/sock" -c "$WORKERS"
	i=0
	while [ ! -S "$FD/sock" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if bench_nginx_start nginx "$WWW" "$WORKERS" "location /cgi-bin/ {
			include /etc/nginx/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;
			fastcgi_pass unix:$FD/sock;
		}"; then
		ready nginx+fcgiwrap "$BENCH_PORT"
	else
		echo "nginx: did not start: $(tail -n 2 "$BT/nginx/error.log")"
	fi
}

# python3 -m http.server --cgi: ThreadingHTTPServer, HTTP/1.0 (one
# connection per request); as root it runs scripts as nobody.
start_python() {
	PPORT=$(bench_free_port)
	bench_start "$BT/python.log" "$BENCH_PY" -m http.server --cgi \
	    --bind 127.0.0.1 --directory "$WWW" "$PPORT"
	if bench_wait_port "$PPORT" 10; then
		ready python-http.server "$PPORT"
	else
		echo "python3 http.server: did not start:" \
		    "$(tail -n 2 "$BT/python.log")"
	fi
}

# The ceiling, on the same binary the servers run: one result line.
run_ceiling() { # ROUND
	"$CEIL" -w "$WORKERS" -d "$BENCH_SECONDS" "$WWW/cgi-bin/hello_cgi" \
	    >"$BT/ceiling-$1.txt" 2>&1
	_v=$(sed -n 's/.*: \([0-9.]*\) spawns\/s.*/\1/p' "$BT/ceiling-$1.txt")
	echo "wrk spawn-ceiling $1 ${_v:-0} 0 0 0 0" >>"$RES"
}

# All servers run at once (an idle one costs nothing), so the rounds can
# interleave them with the ceiling: a burst of load from elsewhere then
# hits one round of each rather than every round of one.
bench_want cgihttpd && start_cgihttpd
bench_want lighttpd && start_lighttpd
bench_want apache2 && start_apache2
bench_want nginx && start_nginx
bench_want python && start_python
r=1
while [ $r -le "$ROUNDS" ]; do
	bench_want ceiling && run_ceiling $r
	for sp in $SERVERS; do
		s=${sp%%:*}
		bench_wrk "$BT/wrk-$s-$r.txt" "http://127.0.0.1:${sp#*:}$URL_PATH" \
		    -t2 -c"$CONNS"
		echo "wrk $s $r $W_RPS $W_P99 $W_ERR $W_REQS $W_RERR" >>"$RES"
	done
	r=$((r + 1))
done
for p in $BENCH_PIDS; do
	bench_stop "$p"
done
[ -f "$BT/ceiling-1.txt" ] && sed 's/^/(round 1) /' "$BT/ceiling-1.txt"

# The report: per server, the round with the most req/s (for the ceiling,
# spawns/s), its p99 and errors, and every round's figure.
awk '$1 == "wrk" { k = $2; all[k] = all[k] (all[k] == "" ? "" : "/") int($4)
	if (!(k in best) || $4 + 0 > v[k]) { best[k] = $0; v[k] = $4 + 0 } }
    END { for (k in best) print "best", substr(best[k], 5), all[k] }' "$RES" \
    >"$BT/best"
echo
printf '%-19s %8s %9s %8s %6s %6s  %s\n' server "req/s" "p99 ms" requests \
    errors "rd err" "req/s of each round"
for s in cgihttpd lighttpd apache2 nginx+fcgiwrap python-http.server \
    spawn-ceiling; do
	awk -v s="$s" '$2 == s { if (s == "spawn-ceiling")
		printf "%-19s %8.0f %9s %8s %6s %6s  %s (spawns/s)\n", $2, $4,
		    "-", "-", "-", "-", $9
	    else printf "%-19s %8.0f %9.2f %8d %6d %6d  %s\n", $2, $4, $5, $7,
		$6, $8, $9 }' "$BT/best"
done
echo "(errors: connect/write/timeout + non-2xx; rd err: wrk counts one per"
echo " answer ended by closing the connection, as python's HTTP/1.0 does)"
echo
get() { # SERVER FIELD (of a "best" line)
	awk -v s="$1" -v k="$2" '$2 == s { print $k }' "$BT/best"
}
if [ "$CGIHTTPD_CGI" -ne 1 ] || [ -z "$(get cgihttpd 4)" ]; then
	echo "cgihttpd: CGI not available: no ratios"
	exit 0
fi
c=$(get cgihttpd 4)
cp99=$(get cgihttpd 5)
[ "$(get cgihttpd 6)" -eq 0 ] ||
	echo "cgihttpd had $(get cgihttpd 6) errors or non-2xx answers: ratios not valid"
r=$(bench_ratio "$c" "$(get spawn-ceiling 4)")
echo "cgihttpd / spawn ceiling = $r (goal >= 0.9: $(bench_goal "$r" ge 0.9))"
r=$(bench_ratio "$c" "$(get lighttpd 4)")
echo "cgihttpd / lighttpd = $r (goal >= 1.4: $(bench_goal "$r" ge 1.4))"
below=yes
npeers=0
for p in lighttpd apache2 nginx+fcgiwrap python-http.server; do
	pp=$(get "$p" 5)
	[ -n "$pp" ] || continue
	npeers=$((npeers + 1))
	if awk -v a="$cp99" -v b="$pp" 'BEGIN { exit !(a >= b) }'; then
		below="no (not below $p's $pp ms)"
	fi
done
[ "$npeers" -gt 0 ] || below="no peer measured"
echo "cgihttpd p99 $cp99 ms below every peer's: $below"
exit 0
