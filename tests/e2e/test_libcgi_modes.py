"""tests/e2e/test_libcgi_modes.py - libcgi's modes beyond the greeting
itself: FastCGI spoken byte by byte to greet --listen (input limits
answered by the library, many requests on one kept connection without
state leaking between them, L-API-12, L-API-01, L-API-04), and a request
recorded with CGI_RECORD under a real CGI server, then rerun from the
terminal with --replay."""
import os
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time
import unittest

import cgitest
from test_libcgi_greet import (GREET, XSS_HTML, XSS_Q, DEADLINE, GreetBase,
                               fetch, run_terminal, stop, wait_unix)

FCGI_BEGIN_REQUEST, FCGI_END_REQUEST, FCGI_PARAMS = 1, 3, 4
FCGI_STDIN, FCGI_STDOUT, FCGI_STDERR = 5, 6, 7
FCGI_KEEP_CONN = 1


def record(rtype, rid, content):
    pad = (8 - len(content) % 8) % 8
    return struct.pack(">BBHHBx", 1, rtype, rid, len(content), pad) + \
        content + b"\0" * pad


def nv_len(n):
    return struct.pack(">B", n) if n < 128 else struct.pack(">I", n | 1 << 31)


def params(env):
    out = b""
    for k, v in env.items():
        k, v = k.encode(), v.encode()
        out += nv_len(len(k)) + nv_len(len(v)) + k + v
    return out


def fcgi_request(sock, env, body=b"", rid=1, keep=False):
    """Sends one responder request; returns (stdout bytes, app status)."""
    msg = record(FCGI_BEGIN_REQUEST, rid,
                 struct.pack(">HB5x", 1, FCGI_KEEP_CONN if keep else 0))
    msg += record(FCGI_PARAMS, rid, params(env)) + record(FCGI_PARAMS, rid, b"")
    for i in range(0, len(body), 65535):
        msg += record(FCGI_STDIN, rid, body[i:i + 65535])
    msg += record(FCGI_STDIN, rid, b"")
    sock.sendall(msg)
    out = b""
    buf = b""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        while len(buf) >= 8:
            _, rtype, _, clen, plen = struct.unpack(">BBHHBx", buf[:8])
            if len(buf) < 8 + clen + plen:
                break
            content = buf[8:8 + clen]
            buf = buf[8 + clen + plen:]
            if rtype == FCGI_STDOUT:
                out += content
            elif rtype == FCGI_END_REQUEST:
                return out, struct.unpack(">I", content[:4])[0]
        chunk = sock.recv(65536)
        if not chunk:
            break
        buf += chunk
    raise AssertionError("no FCGI_END_REQUEST; got %r" % out)


def split(resp):
    head, _, body = resp.decode("utf-8", "replace").partition("\r\n\r\n")
    return head.split("\r\n"), body


class FastCgiRawTest(GreetBase):
    """A FastCGI client written from the specification, against greet
    listening on its own unix socket."""

    def setUp(self):
        super().setUp()
        self.sock_path = os.path.join(self.tmp, "greet.sock")
        self.app = subprocess.Popen([GREET, "--listen", "unix:" + self.sock_path],
                                    stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE)
        self.addCleanup(stop, self.app)
        wait_unix(self.sock_path, self.app)

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(DEADLINE)
        s.connect(self.sock_path)
        self.addCleanup(s.close)
        return s

    def env(self, **kw):
        e = {"GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET",
             "SCRIPT_NAME": "/greet", "QUERY_STRING": "",
             "SERVER_PROTOCOL": "HTTP/1.1"}
        e.update(kw)
        return e

    def test_kept_connection_no_leak(self):
        """Requests on one kept connection: each sees only its own
        fields; a cookie of one is not a field of the next."""
        s = self.connect()
        out, st = fcgi_request(s, self.env(QUERY_STRING="name=" + XSS_Q),
                               keep=True)
        self.assertEqual((st, split(out)[1]), (0, XSS_HTML))
        out, st = fcgi_request(s, self.env(
            REQUEST_METHOD="POST",
            CONTENT_TYPE="application/x-www-form-urlencoded",
            CONTENT_LENGTH="8"), body=b"name=Bob", rid=2, keep=True)
        self.assertEqual(split(out)[1], "<h1>Hello Bob!</h1>\n")
        out, st = fcgi_request(s, self.env(), rid=3, keep=True)
        self.assertEqual(split(out)[1], "<h1>Hello stranger!</h1>\n")
        out, st = fcgi_request(s, self.env(REQUEST_METHOD="HEAD",
                                           QUERY_STRING="name=x"), rid=4)
        head, body = split(out)
        self.assertEqual((head[0], body), ("Status: 200 OK", ""))

    def test_kept_memory_holds_no_stale_fields(self):
        """A resident program reuses one field store (form_reset): after
        a request of 900 fields, a request without fields sees none of
        them, and a bigger one after a smaller one is whole."""
        s = self.connect()

        def post(body, rid):
            out, st = fcgi_request(s, self.env(
                REQUEST_METHOD="POST",
                CONTENT_TYPE="application/x-www-form-urlencoded",
                CONTENT_LENGTH=str(len(body))), body=body, rid=rid, keep=True)
            self.assertEqual(st, 0)
            return split(out)[1]

        many = "&".join("f%d=v%%20%d" % (i, i) for i in range(899))
        self.assertEqual(post(("name=Ann+L%C3%A9&" + many).encode(), 1),
                         "<h1>Hello Ann L\u00e9!</h1>\n")
        out, _ = fcgi_request(s, self.env(), rid=2, keep=True)
        self.assertEqual(split(out)[1], "<h1>Hello stranger!</h1>\n")
        self.assertEqual(post(b"name=Bob", 3), "<h1>Hello Bob!</h1>\n")
        most = "&".join("g%d=%d" % (i, i) for i in range(998))
        self.assertEqual(post((most + "&name=Cy%21").encode(), 4),
                         "<h1>Hello Cy!!</h1>\n")
        self.assertEqual(post(b"x=1", 5), "<h1>Hello stranger!</h1>\n")

    def test_limits_answered_in_fastcgi(self):
        """L-API-04/L-API-01 in FastCGI mode: the library answers and the
        program keeps serving."""
        s = self.connect()
        out, _ = fcgi_request(s, self.env(
            REQUEST_METHOD="POST", CONTENT_LENGTH="999999999999",
            CONTENT_TYPE="application/x-www-form-urlencoded"))
        head, body = split(out)
        self.assertEqual(head[0], "Status: 413 Content Too Large")
        self.assertIn("<h1>413 Content Too Large</h1>", body)
        self.assertNotIn("Hello", body)
        s = self.connect()
        out, _ = fcgi_request(s, self.env(
            REQUEST_METHOD="POST", CONTENT_LENGTH="-1",
            CONTENT_TYPE="application/x-www-form-urlencoded"))
        self.assertEqual(split(out)[0][0], "Status: 400 Bad Request")
        s = self.connect()
        out, _ = fcgi_request(s, self.env(QUERY_STRING="name=Ada"))
        self.assertEqual(split(out)[1], "<h1>Hello Ada!</h1>\n")
        self.assertIsNone(self.app.poll())

    def test_sigterm_ends_loop(self):
        """SIGTERM while waiting: cgi_accept returns NULL, exit 0."""
        s = self.connect()
        fcgi_request(s, self.env(QUERY_STRING="name=x"))
        self.app.send_signal(signal.SIGTERM)
        self.assertEqual(self.app.wait(DEADLINE), 0)


class RecordReplayTest(GreetBase):
    """CGI_RECORD=DIR under python's CGI server writes the request;
    greet --replay FILE from a terminal gives the same body."""

    def test_record_then_replay(self):
        recdir = os.path.join(self.tmp, "rec")
        os.mkdir(recdir)
        os.chmod(recdir, 0o777)  # the CGI runs as nobody
        os.environ["CGI_RECORD"] = recdir
        try:
            port = self.start_python()
        finally:
            del os.environ["CGI_RECORD"]
        st, _, body = fetch(port, "POST", "/cgi-bin/greet?x=1",
                            body="name=" + XSS_Q + "&more=%E2%82%AC",
                            headers={"Content-Type":
                                     "application/x-www-form-urlencoded",
                                     "Cookie": "sid=abc"})
        self.assertEqual((st, body), (200, XSS_HTML))
        files = [f for f in os.listdir(recdir) if f.endswith(".cgirec")]
        self.assertEqual(len(files), 1)
        path = os.path.join(recdir, files[0])
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
        with open(path, "rb") as f:
            rec = f.read()
        self.assertTrue(rec.startswith(b"CGI-RECORD 1\n"))
        self.assertIn(b"\nREQUEST_METHOD=POST\n", rec)
        self.assertIn(b"\nHTTP_COOKIE=sid=abc\n", rec)
        self.assertTrue(rec.endswith(b"\n\nname=" + XSS_Q.encode() +
                                     b"&more=%E2%82%AC"))
        rc, head, rbody = run_terminal("--replay", path)
        self.assertEqual((rc, rbody), (0, body))


if __name__ == "__main__":
    unittest.main()
