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
#   sh bench/cgi.sh [BUILD_DIR]     BENCH_SECONDS=10 per run
set -u
cd "$(dirname "$0")/.."
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

RES=$BT/results
: >"$RES"
echo "== cgi: $(wc -c <"$BT/expected") bytes of CGI output per request;" \
    "wrk -t2 -c$CONNS -d${BENCH_SECONDS}s --latency on 127.0.0.1;" \
    "access logs off (python's request log to a file)"

# measure NAME PORT: check one answer, then run wrk; records a result line.
measure() {
	_code=$(bench_fetch "http://127.0.0.1:$2$URL_PATH" "$BT/got")
	if [ "$_code" != 200 ] || ! cmp -s "$BT/got" "$BT/expected-body"; then
		echo "$1: GET $URL_PATH gave status $_code or a wrong body: not measured"
		return 1
	fi
	bench_wrk "$BT/wrk-$1.txt" "http://127.0.0.1:$2$URL_PATH" -t2 -c"$CONNS"
	echo "wrk $1 $W_RPS $W_P99 $W_ERR $W_REQS $W_RERR" >>"$RES"
}

# The ceiling, on the same binary the servers run.
run_ceiling() {
	"$CEIL" -w "$WORKERS" -d "$BENCH_SECONDS" "$WWW/cgi-bin/hello_cgi" \
	    >"$BT/ceiling.txt" 2>&1
	cat "$BT/ceiling.txt"
	CEILV=$(sed -n 's/.*: \([0-9.]*\) spawns\/s.*/\1/p' "$BT/ceiling.txt")
}

CGIHTTPD_CGI=0
run_cgihttpd() {
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
	else
		code=$(bench_fetch "http://127.0.0.1:$CGIHTTPD_PORT$URL_PATH" \
		    "$BT/got")
		if [ "$code" = 200 ] && cmp -s "$BT/got" "$BT/expected-body"; then
			CGIHTTPD_CGI=1
			measure cgihttpd "$CGIHTTPD_PORT"
		else
			echo "cgihttpd: CGI not available (GET $URL_PATH gave" \
			    "status $code, not the program's output)"
		fi
	fi
	bench_stop "$BENCH_PID"
}

# lighttpd mod_cgi, 2 workers.
run_lighttpd() {
	if bench_lighttpd_start lighttpd "$WWW" "$WORKERS" \
	    'server.modules += ("mod_cgi")
$HTTP["url"] =~ "^/cgi-bin/" { cgi.assign = ("" => "") }'; then
		measure lighttpd "$BENCH_PORT"
	else
		echo "lighttpd: did not start:" \
		    "$(tail -n 2 "$BT/lighttpd/stdout.log")"
	fi
	bench_stop "$BENCH_PID"
}

# apache2, mpm_event + mod_cgid, in the foreground, with a whole config of
# our own (no /etc/apache2, so no APACHE_* variables are needed).
run_apache2() {
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
		measure apache2 "$APORT"
	else
		echo "apache2: did not start:" \
		    "$(tail -n 2 "$AD/stdout.log" "$AD/error.log")"
	fi
	bench_stop "$BENCH_PID"
}

# nginx + fcgiwrap: 2 fcgiwrap processes, as nobody, on a unix socket.
run_nginx() {
	FD=$BT/fcgiwrap
	mkdir -p "$FD"
	chown nobody:nogroup "$FD"
	bench_start "$BT/fcgiwrap.log" setpriv --reuid nobody --regid nogroup \
	    --clear-groups fcgiwrap -s "unix:$FD/sock" -c "$WORKERS"
	FPID=$BENCH_PID
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
		measure nginx+fcgiwrap "$BENCH_PORT"
	else
		echo "nginx: did not start: $(tail -n 2 "$BT/nginx/error.log")"
	fi
	bench_stop "$BENCH_PID"
	bench_stop "$FPID"
}

# python3 -m http.server --cgi: ThreadingHTTPServer, HTTP/1.0 (one
# connection per request); as root it runs scripts as nobody.
run_python() {
	PPORT=$(bench_free_port)
	bench_start "$BT/python.log" "$BENCH_PY" -m http.server --cgi \
	    --bind 127.0.0.1 --directory "$WWW" "$PPORT"
	if bench_wait_port "$PPORT" 10; then
		measure python-http.server "$PPORT"
	else
		echo "python3 http.server: did not start:" \
		    "$(tail -n 2 "$BT/python.log")"
	fi
	bench_stop "$BENCH_PID"
}

CEILV=""
bench_want ceiling && run_ceiling
bench_want cgihttpd && run_cgihttpd
bench_want lighttpd && run_lighttpd
bench_want apache2 && run_apache2
bench_want nginx && run_nginx
bench_want python && run_python

# The report.
echo
printf '%-20s %10s %10s %9s %7s %8s\n' server "req/s" "p99 ms" requests errors "read err"
awk '$1 == "wrk" { printf "%-20s %10.0f %10.2f %9d %7d %8d\n", $2, $3, $4, $6, $5, $7 }' "$RES"
printf '%-20s %10s\n' "spawn ceiling" "${CEILV:-n/a}"
echo "(errors: connect/write/timeout + non-2xx; read err: wrk counts one per"
echo " answer ended by closing the connection, as python's HTTP/1.0 does)"
echo
get() { # SERVER FIELD
	awk -v s="$1" -v k="$2" '$1 == "wrk" && $2 == s { print $k }' "$RES"
}
if [ "$CGIHTTPD_CGI" -ne 1 ] || [ -z "$(get cgihttpd 3)" ]; then
	echo "cgihttpd: CGI not available: no ratios"
	exit 0
fi
c=$(get cgihttpd 3)
cp99=$(get cgihttpd 4)
[ "$(get cgihttpd 5)" -eq 0 ] ||
	echo "cgihttpd had $(get cgihttpd 5) errors or non-2xx answers: ratios not valid"
r=$(bench_ratio "$c" "$CEILV")
echo "cgihttpd / spawn ceiling = $r (goal >= 0.9: $(bench_goal "$r" ge 0.9))"
r=$(bench_ratio "$c" "$(get lighttpd 3)")
echo "cgihttpd / lighttpd = $r (goal >= 1.4: $(bench_goal "$r" ge 1.4))"
below=yes
for p in lighttpd apache2 nginx+fcgiwrap python-http.server; do
	pp=$(get "$p" 4)
	[ -n "$pp" ] || continue
	if awk -v a="$cp99" -v b="$pp" 'BEGIN { exit !(a >= b) }'; then
		below="no (not below $p's $pp ms)"
	fi
done
echo "cgihttpd p99 $cp99 ms below every peer's: $below"
exit 0
