"""tests/e2e/test_fastcgi_responder.py - libcgi's FastCGI responder
(lib/fcgi_app.c) run as real web servers run it: build/tests/tools/fcgi_echo
started by spawn-fcgi on a unix socket (the listening socket handed over on
fd 0) and spoken to by a FastCGI client written here, and behind nginx
(fastcgi_pass unix:...) spoken to over HTTP. Every process is started on
temporary paths, found by PID and stopped by PID; SIGTERM must end the
responder with exit status 0."""
import hashlib
import http.client
import os
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time
import unittest

from cgitest import BUILD

FCGI_ECHO = os.path.join(BUILD, "tests", "tools", "fcgi_echo")
SPAWN_FCGI = shutil.which("spawn-fcgi") or "/usr/bin/spawn-fcgi"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
DEADLINE = 20  # seconds for any one wait

BEGIN, ABORT, END, PARAMS, STDIN, STDOUT, STDERR = 1, 2, 3, 4, 5, 6, 7
GET_VALUES, GET_VALUES_RESULT, UNKNOWN_TYPE = 9, 10, 11
KEEP_CONN = 1


def record(rtype, rid, content=b""):
    """One FastCGI record, padded to 8 bytes."""
    pad = (8 - len(content) % 8) % 8
    return (struct.pack(">BBHHBB", 1, rtype, rid, len(content), pad, 0)
            + content + b"\0" * pad)


def pair(name, value):
    def length(n):
        return bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)
    return length(len(name)) + length(len(value)) + name + value


def parse_pairs(data):
    out, i = {}, 0
    while i < len(data):
        lens = []
        for _ in range(2):
            if data[i] & 0x80:
                lens.append(struct.unpack(">I", data[i:i + 4])[0] & 0x7fffffff)
                i += 4
            else:
                lens.append(data[i])
                i += 1
        name = data[i:i + lens[0]]
        value = data[i + lens[0]:i + lens[0] + lens[1]]
        out[name.decode()] = value.decode()
        i += lens[0] + lens[1]
    return out


class Conn:
    """A FastCGI client connection (the web server's side)."""

    def __init__(self, addr):
        """addr: a unix socket path, or a (host, port) pair for TCP."""
        family = socket.AF_INET if isinstance(addr, tuple) else socket.AF_UNIX
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.settimeout(DEADLINE)
        try:
            self.sock.connect(addr)
        except OSError:
            self.sock.close()
            raise
        self.buf = b""

    def close(self):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data)

    def read_record(self):
        """(type, id, content), or None at EOF."""
        while True:
            if len(self.buf) >= 8:
                _, rtype, rid, clen, plen, _ = struct.unpack(
                    ">BBHHBB", self.buf[:8])
                if len(self.buf) >= 8 + clen + plen:
                    content = self.buf[8:8 + clen]
                    self.buf = self.buf[8 + clen + plen:]
                    return rtype, rid, content
            data = self.sock.recv(262144)
            if not data:
                return None
            self.buf += data

    def request(self, params, body=b"", rid=1, keep=True):
        """Sends one responder request; returns (stdout, stderr,
        app_status, protocol_status, max STDOUT record length)."""
        msg = record(BEGIN, rid, struct.pack(">HB5x", 1,
                                             KEEP_CONN if keep else 0))
        enc = b"".join(pair(k.encode(), v.encode()) for k, v in params.items())
        for i in range(0, len(enc), 65535):
            msg += record(PARAMS, rid, enc[i:i + 65535])
        msg += record(PARAMS, rid)
        for i in range(0, len(body), 65535):
            msg += record(STDIN, rid, body[i:i + 65535])
        msg += record(STDIN, rid)
        # Sent from a thread: the responder may answer while it reads.
        sender = threading.Thread(target=self.send, args=(msg,))
        sender.start()
        try:
            return self._response(rid)
        finally:
            sender.join(DEADLINE)

    def _response(self, rid):
        out, err, biggest = [], [], 0
        while True:
            rec = self.read_record()
            if rec is None:
                raise AssertionError("connection closed before END_REQUEST")
            rtype, got_id, content = rec
            if got_id != rid:
                raise AssertionError("record for id %d" % got_id)
            if rtype == STDOUT:
                out.append(content)
                biggest = max(biggest, len(content))
            elif rtype == STDERR:
                err.append(content)
            elif rtype == END:
                app, proto = struct.unpack(">IB3x", content)
                return b"".join(out), b"".join(err), app, proto, biggest


def echo_fields(stdout):
    """The 'key value' lines of fcgi_echo's listing, as a dict."""
    head, _, body = stdout.partition(b"\r\n\r\n")
    fields = {}
    for line in body.decode().splitlines():
        key, _, value = line.partition(" ")
        fields.setdefault(key, value)
    fields["params"] = [line[6:] for line in body.decode().splitlines()
                        if line.startswith("param ")]
    return head, fields


def wait_for(pred, what):
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if pred():
            return
        time.sleep(0.02)
    raise AssertionError("timed out waiting for " + what)


def stop(proc):
    """SIGTERM by PID; returns the exit status (killed after the deadline)."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
    try:
        return proc.wait(DEADLINE)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        return "killed"


def start_responder(tmp):
    """fcgi_echo under spawn-fcgi -n: spawn-fcgi binds the socket, puts it
    on fd 0 and execs the program in the same process, so the PID is the
    responder's."""
    sock = os.path.join(tmp, "echo.sock")
    with open(os.path.join(tmp, "echo.err"), "wb") as err:
        proc = subprocess.Popen([SPAWN_FCGI, "-n", "-s", sock, "-M", "0600",
                                 "--", FCGI_ECHO],
                                stdout=subprocess.DEVNULL, stderr=err)

    def listening():
        if proc.poll() is not None:
            return True
        try:
            Conn(sock).close()
            return True
        except OSError:
            return False
    wait_for(listening, "the responder's socket")
    if proc.poll() is not None:
        raise AssertionError("spawn-fcgi exited %s" % proc.returncode)
    return proc, sock


@unittest.skipUnless(os.path.exists(SPAWN_FCGI), "spawn-fcgi not installed "
                     "(make deps)")
class SpawnFcgiTest(unittest.TestCase):
    """fcgi_echo started by spawn-fcgi, spoken to in FastCGI directly."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="fcgi-e2e-")
        self.proc, self.sock = start_responder(self.tmp)

    def tearDown(self):
        stop(self.proc)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_get_values_answered(self):
        """FCGI_GET_VALUES gets exactly the variables asked for."""
        c = Conn(self.sock)
        c.send(record(GET_VALUES, 0, pair(b"FCGI_MAX_CONNS", b"")
                      + pair(b"FCGI_MPXS_CONNS", b"") + pair(b"X_NONE", b"")))
        rtype, rid, content = c.read_record()
        c.close()
        self.assertEqual((rtype, rid), (GET_VALUES_RESULT, 0))
        # 17: the connection being served plus 16 parked kept ones.
        self.assertEqual(parse_pairs(content),
                         {"FCGI_MAX_CONNS": "17", "FCGI_MPXS_CONNS": "0"})

    def test_unknown_role_and_type(self):
        """An AUTHORIZER request gets END_REQUEST(UNKNOWN_ROLE), a
        management record of unknown type gets UNKNOWN_TYPE, and the kept
        connection then serves a responder request."""
        c = Conn(self.sock)
        c.send(record(BEGIN, 1, struct.pack(">HB5x", 2, KEEP_CONN))
               + record(99, 0, b"xyz"))
        self.assertEqual(c.read_record(), (END, 1, struct.pack(">IB3x", 0, 3)))
        rtype, rid, content = c.read_record()
        self.assertEqual((rtype, rid, content[0]), (UNKNOWN_TYPE, 0, 99))
        out, _, status, proto, _ = c.request({"QUERY_STRING": ""})
        c.close()
        self.assertEqual((status, proto), (0, 0))
        self.assertIn(b"stdin-length 0", out)

    def test_keep_conn_reused_then_closed(self):
        """Three KEEP_CONN requests share one connection; a request
        without KEEP_CONN is answered and the connection closed."""
        c = Conn(self.sock)
        conns = set()
        for i in range(3):
            out, _, status, _, _ = c.request({"N": str(i)}, b"x" * i)
            _, f = echo_fields(out)
            self.assertEqual(status, 0)
            self.assertIn("N=%d" % i, f["params"])
            self.assertEqual(f["stdin-length"], str(i))
            conns.add(f["connection"])
        self.assertEqual(len(conns), 1)
        out, _, status, _, _ = c.request({"N": "last"}, keep=False)
        self.assertEqual(status, 0)
        self.assertIn("N=last", echo_fields(out)[1]["params"])
        self.assertIsNone(c.read_record(), "connection left open")
        c.close()

    def test_large_post_hash_and_echo(self):
        """A 3 MiB body arrives whole (SHA-256 matches), and echoed back
        it returns in STDOUT records of at most 65535 bytes."""
        body = os.urandom(3 * 1024 * 1024 + 17)
        c = Conn(self.sock)
        out, _, status, _, _ = c.request({"QUERY_STRING": ""}, body)
        _, f = echo_fields(out)
        self.assertEqual(status, 0)
        self.assertEqual(f["stdin-length"], str(len(body)))
        self.assertEqual(f["stdin-sha256"], hashlib.sha256(body).hexdigest())
        out, _, status, _, biggest = c.request({"QUERY_STRING": "echo"}, body)
        c.close()
        self.assertEqual(out.partition(b"\r\n\r\n")[2], body)
        self.assertLessEqual(biggest, 65535)
        self.assertEqual(biggest, 65535)

    def test_abort_request(self):
        """FCGI_ABORT_REQUEST mid-body ends the request with END_REQUEST
        and no output; the kept connection serves the next request."""
        c = Conn(self.sock)
        c.send(record(BEGIN, 1, struct.pack(">HB5x", 1, KEEP_CONN))
               + record(PARAMS, 1) + record(STDIN, 1, b"partial")
               + record(ABORT, 1))
        rec = c.read_record()
        self.assertEqual(rec[:2], (END, 1))
        self.assertEqual(struct.unpack(">IB3x", rec[2])[1], 0)
        out, _, status, _, _ = c.request({}, b"again")
        c.close()
        self.assertEqual(echo_fields(out)[1]["stdin-length"], "5")

    def test_garbage_drops_connection_not_process(self):
        """Bytes that are not FastCGI lose their connection; the
        responder keeps serving others."""
        c = Conn(self.sock)
        c.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertIsNone(c.read_record())
        c.close()
        c = Conn(self.sock)
        out, _, status, _, _ = c.request({}, b"ok")
        c.close()
        self.assertEqual(status, 0)
        self.assertIsNone(self.proc.poll())

    def test_second_connection_served_while_first_idles(self):
        """One request at a time, but no starvation and no dropped kept
        connection: a kept connection idle between requests is parked
        when another arrives, the new one is served, and both then go on
        serving requests, each on its own connection."""
        a = Conn(self.sock)
        out, _, status, _, _ = a.request({}, b"a")
        self.assertEqual(status, 0)
        first = int(echo_fields(out)[1]["connection"])
        b = Conn(self.sock)
        out, _, status, _, _ = b.request({}, b"bb")
        self.assertEqual(status, 0)
        self.assertEqual(int(echo_fields(out)[1]["connection"]), first + 1)
        for conn, n, body in ((a, first, b"aaa"), (b, first + 1, b"b"),
                              (a, first, b"")):
            out, _, status, _, _ = conn.request({}, body)
            self.assertEqual(status, 0)
            _, f = echo_fields(out)
            self.assertEqual((int(f["connection"]), f["stdin-length"]),
                             (n, str(len(body))))
        a.close()
        b.close()

    def test_parked_connections_bounded(self):
        """More idle kept connections than the responder parks (16): the
        longest idle is closed, the newest ones are all served."""
        conns = []
        for i in range(18):
            c = Conn(self.sock)
            out, _, status, _, _ = c.request({}, b"x" * i)
            self.assertEqual(status, 0)
            conns.append(c)
        self.assertIsNone(conns[0].read_record(), "oldest not closed")
        for c in conns[2:]:
            out, _, status, _, _ = c.request({}, b"y")
            self.assertEqual(status, 0)
            self.assertEqual(echo_fields(out)[1]["stdin-length"], "1")
        for c in conns:
            c.close()

    def test_sigterm_mid_request_finishes_it(self):
        """SIGTERM once a request has begun (its PARAMS not even complete):
        the request is still read and answered in full, then the responder
        exits with status 0. The GET_VALUES answer shows the responder has
        taken the BEGIN_REQUEST before the signal is sent."""
        c = Conn(self.sock)
        body = b"s" * 100000
        c.send(record(BEGIN, 1, struct.pack(">HB5x", 1, KEEP_CONN))
               + record(PARAMS, 1, pair(b"A", b"1"))
               + record(GET_VALUES, 0, pair(b"FCGI_MAX_REQS", b"")))
        self.assertEqual(c.read_record()[0], GET_VALUES_RESULT)
        os.kill(self.proc.pid, signal.SIGTERM)
        c.send(record(PARAMS, 1) + record(STDIN, 1, body[:50000]))
        c.send(record(STDIN, 1, body[50000:]) + record(STDIN, 1))
        out = []
        while True:
            rec = c.read_record()
            self.assertIsNotNone(rec, "closed before END_REQUEST")
            if rec[0] == STDOUT:
                out.append(rec[2])
            if rec[0] == END:
                break
        _, f = echo_fields(b"".join(out))
        self.assertIn("A=1", f["params"])
        self.assertEqual(f["stdin-sha256"], hashlib.sha256(body).hexdigest())
        self.assertEqual(self.proc.wait(DEADLINE), 0)
        self.assertIsNone(c.read_record())
        c.close()

    def test_sigterm_exits_zero(self):
        """SIGTERM while idle on a kept connection: exit status 0."""
        c = Conn(self.sock)
        c.request({}, b"")
        self.assertIsNone(self.proc.poll())
        self.assertEqual(stop(self.proc), 0)
        self.assertIsNone(c.read_record())
        c.close()


class TcpListenTest(unittest.TestCase):
    """fcgi_echo --listen 127.0.0.1:PORT: the responder opens its own TCP
    socket (fcgi_listen) instead of taking fd 0."""

    def test_tcp_requests_and_sigterm(self):
        """Kept-connection requests over TCP, one with a 1 MiB body whose
        hash matches; SIGTERM then ends the responder with status 0."""
        port = free_port()
        tmp = tempfile.mkdtemp(prefix="fcgi-tcp-")
        with open(os.path.join(tmp, "echo.err"), "wb") as err:
            proc = subprocess.Popen(
                [FCGI_ECHO, "--listen", "127.0.0.1:%d" % port],
                stdout=subprocess.DEVNULL, stderr=err)
        try:
            def listening():
                if proc.poll() is not None:
                    return True
                try:
                    Conn(("127.0.0.1", port)).close()
                    return True
                except OSError:
                    return False
            wait_for(listening, "the TCP listener")
            self.assertIsNone(proc.poll())
            c = Conn(("127.0.0.1", port))
            body = os.urandom(1024 * 1024)
            for data in (b"", body, b"tail"):
                out, _, status, _, _ = c.request({"QUERY_STRING": ""}, data)
                _, f = echo_fields(out)
                self.assertEqual(status, 0)
                self.assertEqual(f["stdin-sha256"],
                                 hashlib.sha256(data).hexdigest())
            c.close()
            self.assertEqual(stop(proc), 0)
        finally:
            stop(proc)
            shutil.rmtree(tmp, ignore_errors=True)


NGINX_CONF = """
daemon off;
master_process off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log info;
events {{ worker_connections 64; }}
http {{
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body;
    fastcgi_temp_path {tmp}/fastcgi;
    proxy_temp_path {tmp}/proxy;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    client_max_body_size 64m;
    upstream echo_keep {{
        server unix:{sock};
        keepalive 2;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            fastcgi_param QUERY_STRING $query_string;
            fastcgi_param REQUEST_METHOD $request_method;
            fastcgi_param CONTENT_TYPE $content_type;
            fastcgi_param CONTENT_LENGTH $content_length;
            fastcgi_param SCRIPT_NAME $fastcgi_script_name;
            fastcgi_param REQUEST_URI $request_uri;
            fastcgi_param SERVER_PROTOCOL $server_protocol;
            fastcgi_param GATEWAY_INTERFACE CGI/1.1;
            fastcgi_param REMOTE_ADDR $remote_addr;
            fastcgi_param SERVER_PORT $server_port;
            fastcgi_param HTTP_X_TEST $http_x_test;
            fastcgi_pass unix:{sock};
            location /keep/ {{
                fastcgi_keep_conn on;
                fastcgi_pass echo_keep;
            }}
        }}
    }}
}}
"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@unittest.skipUnless(os.path.exists(NGINX) and os.path.exists(SPAWN_FCGI),
                     "nginx or spawn-fcgi not installed (make deps)")
class NginxTest(unittest.TestCase):
    """fcgi_echo behind nginx (Debian nginx-light), over HTTP."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="fcgi-nginx-")
        self.echo, self.sock = start_responder(self.tmp)
        self.port = free_port()
        conf = os.path.join(self.tmp, "nginx.conf")
        with open(conf, "w") as f:
            f.write(NGINX_CONF.format(tmp=self.tmp, sock=self.sock,
                                      port=self.port))
        self.nginx = subprocess.Popen(
            [NGINX, "-p", self.tmp, "-c", conf, "-e",
             os.path.join(self.tmp, "error.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def up():
            if self.nginx.poll() is not None:
                return True
            try:
                socket.create_connection(("127.0.0.1", self.port), 1).close()
                return True
            except OSError:
                return False
        wait_for(up, "nginx to listen")
        if self.nginx.poll() is not None:
            with open(os.path.join(self.tmp, "error.log")) as f:
                raise AssertionError("nginx exited: " + f.read()[-2000:])

    def tearDown(self):
        stop(self.nginx)
        stop(self.echo)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def http(self, method, path, body=None, conn=None, headers=None):
        own = conn is None
        if own:
            conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                              timeout=DEADLINE)
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        if own:
            conn.close()
        return resp, data

    def test_get(self):
        """A GET passes nginx's parameters through; the listing is the
        response body with the responder's Content-Type."""
        resp, data = self.http("GET", "/app/path?a=1&b=%20",
                               headers={"X-Test": "yes"})
        self.assertEqual(resp.status, 200)
        self.assertEqual(resp.getheader("Content-Type"), "text/plain")
        _, f = echo_fields(b"\r\n\r\n" + data)
        self.assertIn("REQUEST_METHOD=GET", f["params"])
        self.assertIn("QUERY_STRING=a=1&b=%20", f["params"])
        self.assertIn("REQUEST_URI=/app/path?a=1&b=%20", f["params"])
        self.assertIn("HTTP_X_TEST=yes", f["params"])
        self.assertEqual(f["stdin-length"], "0")

    def test_post_large_body_hash(self):
        """A 4 MiB POST body reaches the responder intact (SHA-256), and a
        body echoed back while it is read reaches the client intact. (The
        echo is kept to 150 KB: nginx 1.22 stops sending the request body
        once the response has begun, so a responder that answers while it
        still reads waits forever for the rest; 600 KB was seen to.)"""
        body = os.urandom(4 * 1024 * 1024 + 3)
        resp, data = self.http("POST", "/upload", body=body,
                               headers={"Content-Type": "application/x-bin"})
        self.assertEqual(resp.status, 200)
        _, f = echo_fields(b"\r\n\r\n" + data)
        self.assertEqual(f["stdin-length"], str(len(body)))
        self.assertEqual(f["stdin-sha256"], hashlib.sha256(body).hexdigest())
        self.assertIn("CONTENT_LENGTH=%d" % len(body), f["params"])
        body = body[:150000]
        resp, data = self.http("POST", "/keep/?echo", body=body)
        self.assertEqual(resp.status, 200)
        self.assertEqual(resp.getheader("Content-Type"),
                         "application/octet-stream")
        self.assertEqual(data, body)

    def test_large_response(self):
        """3 MB of output, many STDOUT records, arrives whole."""
        resp, data = self.http("GET", "/?size=3000000")
        self.assertEqual(resp.status, 200)
        self.assertEqual(len(data), 3000000)
        self.assertEqual(data[:26], b"abcdefghijklmnopqrstuvwxyz")
        self.assertEqual(data[-4:], bytes(
            ord("a") + i % 26 for i in range(2999996, 3000000)))

    def test_keepalive_requests_share_one_connection(self):
        """With fastcgi_keep_conn on, several keep-alive HTTP requests
        are served over one FastCGI connection; without it, each request
        gets its own (the responder closed the previous one)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                          timeout=DEADLINE)
        seen = []
        for i in range(5):
            resp, data = self.http("POST", "/keep/?n=%d" % i,
                                   body=b"k" * (i * 1000), conn=conn)
            self.assertEqual(resp.status, 200)
            _, f = echo_fields(b"\r\n\r\n" + data)
            self.assertEqual(f["stdin-length"], str(i * 1000))
            seen.append(int(f["connection"]))
        conn.close()
        self.assertEqual(len(set(seen)), 1, seen)
        fresh = []
        for i in range(3):
            resp, data = self.http("GET", "/plain?n=%d" % i)
            self.assertEqual(resp.status, 200)
            fresh.append(int(echo_fields(b"\r\n\r\n" + data)[1]["connection"]))
        self.assertEqual(len(set(fresh)), 3, fresh)
        self.assertNotIn(seen[0], fresh)

    def test_answer_without_reading_body(self):
        """Answers given without reading a 2 MiB body, with and without
        fastcgi_keep_conn: each is a 200 with the whole answer (END_REQUEST
        is not held back by the unread body, and the rest of the body is
        skipped), and the request after each is served too."""
        body = b"u" * (2 * 1024 * 1024)
        for prefix in ("/keep/", "/"):
            for _ in range(3):
                resp, data = self.http("POST", prefix + "?noread", body=body)
                self.assertEqual((resp.status, data), (200, b"not read\n"))
                resp, data = self.http("POST", prefix + "x", body=b"abc")
                self.assertEqual(resp.status, 200)
                self.assertEqual(
                    echo_fields(b"\r\n\r\n" + data)[1]["stdin-length"], "3")
        with open(os.path.join(self.tmp, "error.log")) as f:
            self.assertNotIn("[error]", f.read())

    def test_concurrent_clients_not_starved(self):
        """Concurrent requests make nginx open a second upstream connection
        while its first sits idle in its keepalive cache; the responder
        (one connection at a time) drops the idle one for the waiting one,
        so every request is answered, none waits for a timeout."""
        results = []

        answers = []

        def client(i):
            data = b""
            try:
                resp, data = self.http("POST", "/keep/?c=%d" % i,
                                       body=b"c" * (1000 * i))
                results.append((resp.status,
                                echo_fields(b"\r\n\r\n" + data)[1]
                                ["stdin-length"] == str(1000 * i)))
            except Exception as e:  # reported by the assertion below
                results.append((repr(e), False))
                answers.append(data[:300])
        for rnd in range(3):
            threads = [threading.Thread(target=client, args=(i,))
                       for i in range(6)]
            start = time.monotonic()
            for t in threads:
                t.start()
            for t in threads:
                t.join(DEADLINE)
            self.assertLess(time.monotonic() - start, 10)
        if results != [(200, True)] * 18:
            with open(os.path.join(self.tmp, "error.log")) as f:
                log = f.read()[-2000:]
            self.fail("%r\nanswers: %r\nnginx: %s" % (results, answers, log))

    def test_stderr_reaches_nginx_log(self):
        """FCGI_STDERR output is logged by nginx."""
        resp, _ = self.http("GET", "/?stderr")
        self.assertEqual(resp.status, 200)
        with open(os.path.join(self.tmp, "error.log")) as f:
            self.assertIn("fcgi_echo: stderr line", f.read())

    def test_sigterm_with_idle_kept_connection(self):
        """SIGTERM while nginx holds an idle kept connection: the
        responder exits 0 at once."""
        resp, _ = self.http("GET", "/keep/")
        self.assertEqual(resp.status, 200)
        self.assertEqual(stop(self.echo), 0)
        resp, _ = self.http("GET", "/keep/")
        self.assertEqual(resp.status, 502)


if __name__ == "__main__":
    unittest.main()
