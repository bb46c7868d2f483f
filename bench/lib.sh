# bench/lib.sh - shell functions shared by the benchmark scripts (sourced,
# not run): a temporary work directory, free ports, starting and stopping
# servers by PID (each in its own process group, so a master and its
# workers stop together), waiting for a port, summing RSS over a server's
# processes, and running wrk and reading its report. POSIX sh.
#
# Every server is started with bench_start, which records its PID; the
# trap set by bench_init stops every recorded PID on exit or interrupt,
# so no server outlives the script, even when a step fails.

BENCH_PY=${BENCH_PY:-/usr/bin/python3}
BENCH_SECONDS=${BENCH_SECONDS:-5}
BENCH_PIDS=""

# bench_want NAME: true unless BENCH_PEERS (a space-separated list, for
# quick runs while developing) is set and does not name NAME.
bench_want() {
	[ -z "${BENCH_PEERS:-}" ] && return 0
	case " $BENCH_PEERS " in *" $1 "*) return 0 ;; esac
	return 1
}

# bench_init NAME: make the work directory $BT (0755: servers that drop to
# nobody must read it) and arm the cleanup trap.
bench_init() {
	BT=$(mktemp -d "${TMPDIR:-/tmp}/bench-$1.XXXXXX") || exit 1
	chmod 755 "$BT"
	trap 'bench_cleanup' EXIT
	trap 'exit 130' INT TERM HUP PIPE
}

bench_cleanup() {
	for p in $BENCH_PIDS; do
		bench_stop "$p"
	done
	BENCH_PIDS=""
	if [ -n "${BT:-}" ] && [ -z "${BENCH_KEEP:-}" ]; then
		rm -rf "$BT"
	fi
}

# bench_free_port: print a TCP port that was free on 127.0.0.1 a moment
# ago (bind port 0 and ask the kernel which one it gave).
bench_free_port() {
	"$BENCH_PY" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# bench_start LOG CMD...: run CMD in the background in a new session (its
# own process group, PGID = PID), stdout+stderr to LOG; sets BENCH_PID.
bench_start() {
	_log=$1
	shift
	setsid "$@" >"$_log" 2>&1 </dev/null &
	BENCH_PID=$!
	BENCH_PIDS="$BENCH_PIDS $BENCH_PID"
}

# bench_stop PID: TERM the process group PID, wait up to 5 s, then KILL it.
bench_stop() {
	_p=$1
	kill -TERM "-$_p" 2>/dev/null || kill -TERM "$_p" 2>/dev/null || true
	_i=0
	while [ $_i -lt 50 ]; do
		if ! kill -0 "-$_p" 2>/dev/null && ! kill -0 "$_p" 2>/dev/null; then
			break
		fi
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -KILL "-$_p" 2>/dev/null || true
	kill -KILL "$_p" 2>/dev/null || true
	wait "$_p" 2>/dev/null || true
	_n=""
	for _q in $BENCH_PIDS; do
		[ "$_q" = "$_p" ] || _n="$_n $_q"
	done
	BENCH_PIDS=$_n
}

# bench_wait_port PORT [SECONDS]: wait until 127.0.0.1:PORT accepts a
# connection; fails after SECONDS (default 10).
bench_wait_port() {
	"$BENCH_PY" - "$1" "${2:-10}" <<'EOF'
import socket, sys, time
port, limit = int(sys.argv[1]), float(sys.argv[2])
end = time.monotonic() + limit
while time.monotonic() < end:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
EOF
}

# bench_alive PID: is the process (group) still there?
bench_alive() {
	kill -0 "-$1" 2>/dev/null || kill -0 "$1" 2>/dev/null
}

# bench_rss_kib PGID: the sum of VmRSS (KiB) over every process of the
# process group PGID, read from /proc/PID/status.
bench_rss_kib() {
	_sum=0
	for _q in $(ps -e -o pid=,pgid= | awk -v g="$1" '$2 == g { print $1 }'); do
		_r=$(awk '/^VmRSS:/ { print $2 }' "/proc/$_q/status" 2>/dev/null)
		_sum=$((_sum + ${_r:-0}))
	done
	echo "$_sum"
}

# bench_pss_kib PGID: the sum of Pss (KiB) over the group's processes, from
# /proc/PID/smaps_rollup: shared pages divided among their sharers, so a
# master and its workers are not charged twice for the same libraries.
bench_pss_kib() {
	_sum=0
	for _q in $(ps -e -o pid=,pgid= | awk -v g="$1" '$2 == g { print $1 }'); do
		_r=$(awk '/^Pss:/ { print $2 }' "/proc/$_q/smaps_rollup" 2>/dev/null)
		_sum=$((_sum + ${_r:-0}))
	done
	echo "$_sum"
}

# bench_nprocs PGID: how many processes the group has.
bench_nprocs() {
	ps -e -o pgid= | awk -v g="$1" '$1 == g { n++ } END { print n + 0 }'
}

# bench_fetch URL OUT: GET URL with a 5 s limit, body to OUT; prints the
# HTTP status (000 if no answer).
bench_fetch() {
	curl -s -m 5 -o "$2" -w '%{http_code}' "$1" 2>/dev/null || true
}

# bench_wrk OUT URL ARGS...: run wrk --latency for BENCH_SECONDS with ARGS
# (threads, connections), report to OUT, then set from the report:
#   W_RPS (requests/s), W_P99 (ms), W_REQS (count), W_ERR (connect, write
#   and timeout errors plus non-2xx/3xx answers), W_RERR (read errors: a
#   server that ends each answer by closing, as HTTP/1.0 without
#   Content-Length does, shows one per request), W_MBS (transfer MiB/s).
bench_wrk() {
	_out=$1
	_url=$2
	shift 2
	timeout $((BENCH_SECONDS + 30)) wrk --latency -d "${BENCH_SECONDS}s" \
	    --timeout 5s "$@" "$_url" >"$_out" 2>&1 || true
	eval "$(bench_wrk_parse "$_out")"
}

# bench_wrk_parse FILE: print W_* shell assignments read from a wrk report.
bench_wrk_parse() {
	awk '
	function ms(v) {
		if (v ~ /us$/) return (v + 0) / 1000
		if (v ~ /ms$/) return v + 0
		if (v ~ /m$/) return (v + 0) * 60000
		if (v ~ /s$/) return (v + 0) * 1000
		return v + 0
	}
	function mb(v) {
		if (v ~ /GB$/) return (v + 0) * 1024
		if (v ~ /MB$/) return v + 0
		if (v ~ /KB$/) return (v + 0) / 1024
		if (v ~ /B$/) return (v + 0) / 1048576
		return v + 0
	}
	/^Requests\/sec:/ { rps = $2 }
	/^Transfer\/sec:/ { mbs = mb($2) }
	$1 == "99%" { p99 = ms($2) }
	/requests in/ { reqs = $1 }
	/Socket errors:/ {
		for (i = 3; i < NF; i += 2) {
			v = $(i + 1)
			gsub(",", "", v)
			if ($i == "read") rerr += v; else err += v
		}
	}
	/Non-2xx or 3xx responses:/ { err += $NF }
	END {
		printf "W_RPS=%s W_P99=%s W_REQS=%s W_ERR=%d W_RERR=%d W_MBS=%s\n",
		    rps == "" ? 0 : rps, p99 == "" ? 0 : p99,
		    reqs == "" ? 0 : reqs, err, rerr, mbs == "" ? 0 : mbs
	}' "$1"
}

# bench_ratio A B: print A/B with 2 decimals, or "n/a" when B is 0 or empty.
bench_ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (b + 0 == 0 || a == "") print "n/a"; else printf "%.2f\n", a / b }'
}

# bench_goal VALUE OP TARGET: print "met" or "NOT met" (OP: ge, le, lt).
bench_goal() {
	awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
		if (v == "n/a" || v == "") { print "not measured"; exit }
		ok = (op == "ge" && v + 0 >= t + 0) || (op == "le" && v + 0 <= t + 0) ||
		    (op == "lt" && v + 0 < t + 0)
		print ok ? "met" : "NOT met" }'
}

# bench_cgihttpd_bin B: print the path of the built server, or nothing.
bench_cgihttpd_bin() {
	[ -x "$1/cgihttpd" ] && echo "$1/cgihttpd"
}

# bench_start_cgihttpd LOG ARGS...: start cgihttpd with ARGS (which must
# include -p 0) and wait for its "listening on http://ADDR:PORT/" line;
# sets BENCH_PID and CGIHTTPD_PORT (empty if it never said it).
bench_start_cgihttpd() {
	_log=$1
	shift
	bench_start "$_log" "$@"
	CGIHTTPD_PORT=""
	_i=0
	while [ $_i -lt 100 ]; do
		CGIHTTPD_PORT=$(sed -n 's|^cgihttpd: listening on http://[^ ]*:\([0-9][0-9]*\)/.*|\1|p' \
		    "$_log" | head -n 1)
		[ -n "$CGIHTTPD_PORT" ] && break
		bench_alive "$BENCH_PID" || break
		sleep 0.1
		_i=$((_i + 1))
	done
}

# bench_machine: one line that says what ran the benchmark.
bench_machine() {
	_cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	_mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
	echo "$(nproc) cores ($_cpu), $_mem RAM, $(uname -sr)"
}

# bench_nginx_start NAME DOCROOT WORKERS [SERVER_CONF]: start nginx in the
# foreground (master + WORKERS workers as nobody, access log off, keep-alive
# request limit raised to match the others) with a config generated in
# $BT/NAME; SERVER_CONF is added inside its server block. Sets BENCH_PID
# and BENCH_PORT; fails if the port never opens.
bench_nginx_start() {
	_d=$BT/$1
	mkdir -p "$_d/tmp"
	BENCH_PORT=$(bench_free_port)
	cat >"$_d/nginx.conf" <<NGINX
worker_processes $3;
daemon off;
master_process on;
user nobody nogroup;
pid $_d/nginx.pid;
error_log $_d/error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	default_type application/octet-stream;
	types { text/plain txt; text/html html; }
	client_body_temp_path $_d/tmp/body;
	proxy_temp_path $_d/tmp/proxy;
	fastcgi_temp_path $_d/tmp/fastcgi;
	uwsgi_temp_path $_d/tmp/uwsgi;
	scgi_temp_path $_d/tmp/scgi;
	server {
		listen 127.0.0.1:$BENCH_PORT;
		root $2;
		${4:-}
	}
}
NGINX
	bench_start "$_d/stdout.log" nginx -p "$_d/" -e "$_d/error.log" \
	    -c "$_d/nginx.conf"
	bench_wait_port "$BENCH_PORT" 10
}

# bench_lighttpd_start NAME DOCROOT WORKERS [EXTRA_CONF]: start lighttpd -D
# with server.max-worker = WORKERS, as nobody, access log off (mod_accesslog
# not loaded), keep-alive request limit raised. Sets BENCH_PID, BENCH_PORT.
bench_lighttpd_start() {
	_d=$BT/$1
	mkdir -p "$_d"
	# lighttpd opens its error log after dropping to nobody.
	chown nobody:nogroup "$_d"
	BENCH_PORT=$(bench_free_port)
	cat >"$_d/lighttpd.conf" <<LIGHTTPD
server.document-root = "$2"
server.bind = "127.0.0.1"
server.port = $BENCH_PORT
server.username = "nobody"
server.groupname = "nogroup"
server.errorlog = "$_d/error.log"
server.max-worker = $3
server.max-fds = 8192
server.max-keep-alive-requests = 65535
mimetype.assign = (".txt" => "text/plain", ".html" => "text/html")
${4:-}
LIGHTTPD
	bench_start "$_d/stdout.log" lighttpd -D -f "$_d/lighttpd.conf"
	bench_wait_port "$BENCH_PORT" 10
}
