"""tests/e2e/test_bounds.py - STYLE Rule 9 end to end: every bound of
server/bounds.h that a client (or a CGI script) can reach is driven against
the real server at the bound (accepted) and one byte or one item past it
(refused with the status bounds.h documents), with the default value and,
where a command-line option exists, with a lowered value. A configuration
file (-c) is checked to set the same bounds as the options.

Bounds with no option are tested at their default only: the request-target
(8192), the method (32), a field line (8192), chunk-size digits (16), chunk
extensions (4096), the trailer section (8192), and every CGI bound.
Bounds not tested here, because nothing outside the server reaches them:
BOUND_MIME_EXT_BYTES and BOUND_MIME_FILE_BYTES (local files), and
BOUND_CGI_ENV_NAME (a header name would need a field line longer than
BOUND_FIELD_LINE_BYTES, which the parser refuses first).
BOUND_CGI_ENV_BYTES, _ENV_VARS and _ENV_VAR_BYTES cannot be reached by a
client alone (a maximal head makes at most about 60 KiB and 130 entries of
environment), so the server is given --env entries that bring the
environment near the bound and the client's request decides the last byte
or entry.

Also home of exchange(), the raw one-request-then-a-probe helper that
test_http_framing.py imports."""
import hashlib
import os
import re
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cgitest  # noqa: E402

# Mirrors of server/bounds.h (the tests prove the server agrees with them).
TARGET_BYTES = 8192
METHOD_BYTES = 32
REQUEST_LINE_BYTES = METHOD_BYTES + 1 + TARGET_BYTES + 1 + 8
FIELD_LINE_BYTES = 8192
HEAD_BYTES = 16384
HEAD_FIELDS = 100
BODY_BYTES = 64 * 1024 * 1024
CHUNK_SIZE_DIGITS = 16
CHUNK_EXT_BYTES = 4096
TRAILER_BYTES = 8192
CGI_ENV_BYTES = 262144
CGI_ENV_VAR_BYTES = 131072
CGI_ENV_VARS = 256
CGI_RESP_LINE = 8192
CGI_RESP_HEAD = 65536
CGI_RESP_FIELDS = 100
CGI_REDIRECTS = 10

PROBE = b"GET /a.txt HTTP/1.1\r\nHost: t\r\n\r\n"

SCRIPTS = {
    # The method and the query's length, as the script saw them.
    "cgi-bin/method.cgi": (
        "#!/usr/bin/python3\n"
        "import os, sys\n"
        "sys.stdout.write('Content-Type: text/plain\\n\\nMETHOD=%s\\nQLEN=%d\\n'"
        " % (os.environ['REQUEST_METHOD'],"
        " len(os.environ.get('QUERY_STRING', ''))))\n"),
    # Reads the body to EOF: its length, CONTENT_LENGTH and SHA-256.
    "cgi-bin/echo.cgi": (
        "#!/usr/bin/python3\n"
        "import hashlib, os, sys\n"
        "d = sys.stdin.buffer.read()\n"
        "sys.stdout.write('Content-Type: text/plain\\n\\nCOUNT=%d\\nCL=%s\\n"
        "SHA=%s\\n' % (len(d), os.environ.get('CONTENT_LENGTH', '-'),"
        " hashlib.sha256(d).hexdigest()))\n"),
    # The environment exactly as execve gave it: entries and bytes (each
    # NAME=VALUE with its NUL), and the longest entry with its NUL.
    "cgi-bin/envstat.cgi": (
        "#!/usr/bin/python3\n"
        "import sys\n"
        "raw = open('/proc/self/environ', 'rb').read()\n"
        "e = [x for x in raw.split(b'\\0') if x]\n"
        "sys.stdout.write('Content-Type: text/plain\\n\\nCOUNT=%d\\nBYTES=%d\\n"
        "LONGEST=%d\\n' % (len(e), sum(len(x) + 1 for x in e),"
        " max(len(x) + 1 for x in e)))\n"),
    # A header block shaped by the query: line=N (one line of N bytes with
    # its LF), fields=N (N header fields), head=N (a block of N bytes,
    # blank line included).
    "cgi-bin/resp.cgi": (
        "#!/usr/bin/python3\n"
        "import os, sys\n"
        "kind, n = os.environ['QUERY_STRING'].split('=')\n"
        "n = int(n)\n"
        "ct = b'Content-Type: text/plain\\n'\n"
        "if kind == 'line':\n"
        "    h = ct + b'X-Pad: ' + b'a' * (n - 8) + b'\\n'\n"
        "elif kind == 'fields':\n"
        "    h = ct + b''.join(b'X-F%d: v\\n' % i for i in range(n - 1))\n"
        "else:\n"
        "    h, left, i = ct, n - len(ct) - 1, 0\n"
        "    while left > 0:\n"
        "        take = min(8000, left)\n"
        "        if 0 < left - take < 40:\n"
        "            take -= 100\n"
        "        pre = b'X-P%d: ' % i\n"
        "        h += pre + b'a' * (take - len(pre) - 1) + b'\\n'\n"
        "        left -= take\n"
        "        i += 1\n"
        "h += b'\\n'\n"
        "assert kind == 'fields' or len(h) - (kind == 'line') * (len(ct) + 1) == n\n"
        "sys.stdout.buffer.write(h + b'ok\\n')\n"),
    # ?N: a local redirect to itself with N-1, until 0 answers LANDED.
    "cgi-bin/redir.cgi": (
        "#!/usr/bin/python3\n"
        "import os, sys\n"
        "n = int(os.environ['QUERY_STRING'])\n"
        "if n > 0:\n"
        "    sys.stdout.write('Location: /cgi-bin/redir.cgi?%d\\n\\n' % (n - 1))\n"
        "else:\n"
        "    sys.stdout.write('Content-Type: text/plain\\n\\nLANDED\\n')\n"),
}

FILES = dict(SCRIPTS)
FILES["a.txt"] = "alpha\n"


class Result:
    """One exchange: the first response, whether the server then closed,
    and the probe's response when it did not."""

    def __init__(self, status, headers, body, closed, probe):
        self.status = status
        self.headers = headers  # dict: lower-case name -> last value (str)
        self.body = body
        self.closed = closed
        self.probe = probe  # (status, body) of the probe, or None

    def __repr__(self):
        return "<status %r closed %r probe %r body %r>" % (
            self.status, self.closed, self.probe, self.body[:200])


class _Reader:
    def __init__(self, sock, timeout):
        self.sock = sock
        self.buf = b""
        self.deadline = time.monotonic() + timeout

    def _fill(self):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise socket.timeout("no answer in time")
        self.sock.settimeout(left)
        try:
            chunk = self.sock.recv(1 << 20)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            raise EOFError
        self.buf += chunk

    def response(self):
        """(status, headers, body); None on EOF before any byte."""
        try:
            while b"\r\n\r\n" not in self.buf:
                self._fill()
        except EOFError:
            if self.buf:
                raise AssertionError("truncated head %r" % self.buf[:300])
            return None
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        m = re.match(r"HTTP/1\.[01] (\d{3})", lines[0])
        if not m:
            raise AssertionError("bad status line %r" % lines[0])
        status = int(m.group(1))
        headers = {}
        for line in lines[1:]:
            n, _, v = line.partition(":")
            headers[n.strip().lower()] = v.strip()
        if status < 200:  # 100 Continue: the final answer follows
            return self.response()
        if status in (204, 304):
            return status, headers, b""
        if headers.get("transfer-encoding", "").lower() == "chunked":
            return status, headers, self._chunked()
        if "content-length" in headers:
            n = int(headers["content-length"])
            while len(self.buf) < n:
                self._fill()
            body, self.buf = self.buf[:n], self.buf[n:]
            return status, headers, body
        try:
            while True:
                self._fill()
        except EOFError:
            pass
        body, self.buf = self.buf, b""
        return status, headers, body

    def _chunked(self):
        body = b""
        while True:
            while b"\r\n" not in self.buf:
                self._fill()
            line, self.buf = self.buf.split(b"\r\n", 1)
            size = int(line.split(b";")[0], 16)
            if size == 0:
                while b"\r\n\r\n" not in b"\r\n" + self.buf:
                    self._fill()
                self.buf = (b"\r\n" + self.buf).split(b"\r\n\r\n", 1)[1]
                return body
            while len(self.buf) < size + 2:
                self._fill()
            body += self.buf[:size]
            self.buf = self.buf[size + 2:]


def exchange(srv, raw, probe=PROBE, timeout=20):
    """Sends raw and then probe on one new connection. Returns a Result:
    the first response, closed=True when the server closed instead of
    answering the probe, and the probe's (status, body) otherwise."""
    s = srv.connect(timeout)
    try:
        try:
            s.sendall(raw + probe)
        except (BrokenPipeError, ConnectionResetError):
            pass  # it answered early and closed; the answer is still read
        rd = _Reader(s, timeout)
        first = rd.response()
        if first is None:
            raise AssertionError("connection closed without a response")
        second = rd.response()
        if second is not None:
            return Result(first[0], first[1], first[2], False,
                          (second[0], second[2]))
        return Result(first[0], first[1], first[2], True, None)
    finally:
        s.close()


def get(target, fields=(), method="GET", host=True):
    """A request head: the request line, Host (unless host=False), the
    given field lines, the empty line."""
    lines = ["%s %s HTTP/1.1" % (method, target)]
    if host:
        lines.append("Host: t")
    lines += list(fields)
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def head_of(total, target="/a.txt", lead=0):
    """A request head of exactly total bytes (lead leading empty lines,
    the request line, Host, pad fields of at most 8000 bytes, the empty
    line)."""
    base = b"\r\n" * lead + get(target)
    left = total - len(base)
    pads, i = [], 0
    while left > 0:
        take = min(8000, left)
        if 0 < left - take < 40:
            take -= 100
        pre = "X-P%d: " % i
        assert take >= len(pre) + 2, (total, left)
        pads.append(pre + "p" * (take - len(pre) - 2))
        left -= take
        i += 1
    raw = b"\r\n" * lead + get(target, pads)
    assert len(raw) == total, (len(raw), total)
    return raw


def target_of(n, path="/a.txt"):
    """A request-target of exactly n bytes: path?qqq..."""
    t = path + "?" + "q" * (n - len(path) - 1)
    assert len(t) == n
    return t


def line_of(n, method="GET", path="/a.txt"):
    """A request head whose request line (CRLF excluded) is n bytes."""
    t = target_of(n - len(method) - 2 - 8, path)
    raw = get(t, method=method)
    assert raw.index(b"\r\n") == n
    return raw


def chunked(target, body_chunks, trailer=b""):
    """A POST with a chunked body: body_chunks is a list of (ext, data)."""
    out = (b"POST " + target.encode() + b" HTTP/1.1\r\nHost: t\r\n"
           b"Transfer-Encoding: chunked\r\n\r\n")
    for ext, data in body_chunks:
        out += b"%x" % len(data) + ext + b"\r\n" + data + b"\r\n"
    return out


def kv(body):
    """KEY=VALUE lines of a script's body -> dict."""
    out = {}
    for line in body.decode("latin-1").splitlines():
        k, _, v = line.partition("=")
        out[k] = v
    return out


class BoundTest(cgitest.ServerTest):
    files = FILES

    def assert_ok(self, res, what, body=None):
        """Accepted: the answer is not the bound's refusal and the
        connection stays usable (the probe is answered)."""
        self.assertFalse(res.closed, "%s: %r" % (what, res))
        self.assertEqual(res.probe, (200, b"alpha\n"), what)
        if body is not None:
            self.assertEqual(res.body, body, what)

    def assert_refused(self, res, status, what):
        """Refused with its status, and the connection closed after it
        (the rest of the bytes are never read as a request)."""
        self.assertEqual(res.status, status, "%s: %r" % (what, res))
        self.assertTrue(res.closed, "%s: not closed: %r" % (what, res))


class HeadBoundsTest(BoundTest):
    """Request-head bounds (http_parse.c) through the real server."""

    def test_target_default(self):
        """H-9112-3-b, BOUND_TARGET_BYTES (no option): a target of 8192
        bytes is served, 8193 is 414."""
        srv = self.start()
        res = exchange(srv, get(target_of(TARGET_BYTES)))
        self.assertEqual(res.status, 200, res)
        self.assert_ok(res, "target at bound", b"alpha\n")
        res = exchange(srv, get(target_of(TARGET_BYTES + 1)))
        self.assert_refused(res, 414, "target past bound")

    def test_request_line_default(self):
        """BOUND_REQUEST_LINE_BYTES (8234): a line of 8234 bytes (a 32-byte
        method, an 8192-byte target) reaches the script; 8235 is 414."""
        srv = self.start()
        m = "M" * METHOD_BYTES
        raw = line_of(REQUEST_LINE_BYTES, m, "/cgi-bin/method.cgi")
        res = exchange(srv, raw)
        self.assertEqual(res.status, 200, res)
        self.assertEqual(kv(res.body)["METHOD"], m)
        self.assert_ok(res, "line at bound")
        raw = line_of(REQUEST_LINE_BYTES + 1, m, "/cgi-bin/method.cgi")
        self.assert_refused(exchange(srv, raw), 414, "line past bound")

    def test_request_line_lowered(self):
        """--max-request-line 100: a 100-byte line is served, 101 is 414
        (the target bound itself stays 8192)."""
        srv = self.start("--max-request-line", "100")
        res = exchange(srv, line_of(100))
        self.assertEqual(res.status, 200, res)
        self.assert_ok(res, "lowered line at bound", b"alpha\n")
        self.assert_refused(exchange(srv, line_of(101)), 414,
                            "lowered line past bound")

    def test_method_default(self):
        """H-9112-3-c, BOUND_METHOD_BYTES (no option): a 32-byte method is
        passed to the script as REQUEST_METHOD; 33 bytes is 501."""
        srv = self.start()
        m = "X" * METHOD_BYTES
        res = exchange(srv, get("/cgi-bin/method.cgi", method=m))
        self.assertEqual(res.status, 200, res)
        self.assertEqual(kv(res.body)["METHOD"], m)
        self.assert_ok(res, "method at bound")
        res = exchange(srv, get("/cgi-bin/method.cgi", method=m + "X"))
        self.assert_refused(res, 501, "method past bound")

    def test_field_line_default(self):
        """H-9110-5.4-a, BOUND_FIELD_LINE_BYTES (no option): a field line of
        8192 bytes (CRLF excluded) is accepted, 8193 is 431."""
        srv = self.start()
        for n, ok in ((FIELD_LINE_BYTES, True), (FIELD_LINE_BYTES + 1, False)):
            line = "X-Long: " + "v" * (n - 8)
            assert len(line) == n
            res = exchange(srv, get("/a.txt", [line]))
            if ok:
                self.assertEqual(res.status, 200, res)
                self.assert_ok(res, "field line at bound")
            else:
                self.assert_refused(res, 431, "field line past bound")

    def _fields(self, srv, n):
        """A request with n header fields in all (Host included)."""
        return exchange(srv, get("/a.txt", ["X-F%d: y" % i
                                            for i in range(n - 1)]))

    def test_fields_default(self):
        """H-9110-5.4-a, BOUND_HEAD_FIELDS: 100 fields accepted, 101 is 431."""
        srv = self.start()
        res = self._fields(srv, HEAD_FIELDS)
        self.assertEqual(res.status, 200, res)
        self.assert_ok(res, "fields at bound")
        self.assert_refused(self._fields(srv, HEAD_FIELDS + 1), 431,
                            "fields past bound")

    def test_fields_lowered(self):
        """--max-fields 5: 5 fields accepted, 6 is 431."""
        srv = self.start("--max-fields", "5")
        res = self._fields(srv, 5)
        self.assertEqual(res.status, 200, res)
        self.assert_ok(res, "lowered fields at bound")
        self.assert_refused(self._fields(srv, 6), 431,
                            "lowered fields past bound")

    def test_head_default(self):
        """BOUND_HEAD_BYTES: a head of 16384 bytes (final CRLF CRLF
        included) is served, 16385 is 431."""
        srv = self.start()
        res = exchange(srv, head_of(HEAD_BYTES))
        self.assertEqual(res.status, 200, res)
        self.assert_ok(res, "head at bound")
        self.assert_refused(exchange(srv, head_of(HEAD_BYTES + 1)), 431,
                            "head past bound")

    def test_head_lowered(self):
        """--max-head 300: a 300-byte head is served, 301 is 431."""
        srv = self.start("--max-head", "300")
        res = exchange(srv, head_of(300))
        self.assertEqual(res.status, 200, res)
        self.assert_ok(res, "lowered head at bound")
        self.assert_refused(exchange(srv, head_of(301)), 431,
                            "lowered head past bound")

    def _lead(self, total, pad_line):
        """The longest head of at most total bytes made of a bare request
        and leading empty lines (pad_line: one more empty line)."""
        req = get("/a.txt")
        lead = (total - len(req)) // 2 + (1 if pad_line else 0)
        return b"\r\n" * lead + req, lead

    def test_leading_empty_lines_default(self):
        """H-9112-2.2-c with the bound: leading empty lines count against
        BOUND_HEAD_BYTES (there is no separate count). As many as fit in
        16384 bytes with the request are skipped; one more makes the head
        too big: 431 (bounds.h: head bytes over the bound)."""
        srv = self.start()
        raw, lead = self._lead(HEAD_BYTES, False)
        self.assertLessEqual(len(raw), HEAD_BYTES)
        self.assertGreater(len(raw) + 2, HEAD_BYTES)
        res = exchange(srv, raw)
        self.assertEqual(res.status, 200, "%d empty lines: %r" % (lead, res))
        self.assert_ok(res, "empty lines at bound")
        raw, lead = self._lead(HEAD_BYTES, True)
        self.assert_refused(exchange(srv, raw), 431,
                            "%d empty lines, past bound" % lead)

    def test_leading_empty_lines_lowered(self):
        """--max-head 300 bounds the leading empty lines the same way."""
        srv = self.start("--max-head", "300")
        raw, lead = self._lead(300, False)
        res = exchange(srv, raw)
        self.assertEqual(res.status, 200, "%d empty lines: %r" % (lead, res))
        self.assert_ok(res, "lowered empty lines at bound")
        raw, lead = self._lead(300, True)
        self.assert_refused(exchange(srv, raw), 431,
                            "%d empty lines, past lowered bound" % lead)

    def test_head_bound_status_wherever_it_is_crossed(self):
        """bounds.h: a head over max_head is 431, and 414 only "when the
        request line alone passes its own bound first". So with --max-head
        300 (request-line bound still 8234) the head bound gives 431
        whether it is crossed in the leading empty lines alone, in a short
        request line pushed over by empty lines, or in a 316-byte request
        line (which is under its own bound)."""
        srv = self.start("--max-head", "300")
        cases = [
            ("empty lines alone", b"\r\n" * 151),
            ("short request line after 140 empty lines",
             b"\r\n" * 140 + get("/a.txt")),
            ("316-byte request line", get(target_of(300))),
        ]
        for what, raw in cases:
            with self.subTest(what):
                self.assert_refused(exchange(srv, raw, probe=b""), 431, what)


class BodyBoundsTest(BoundTest):
    """Request-body bounds (conn.c, chunked.c)."""

    def test_max_body_static_default(self):
        """V-13-a, BOUND_BODY_BYTES (64 MiB): a declared Content-Length of
        exactly 64 MiB passes the size check (the static file then answers
        405 for POST, without reading it); one byte more is 413, before
        any body byte is sent."""
        srv = self.start()
        cl = "Content-Length: %d" % BODY_BYTES
        res = exchange(srv, get("/a.txt", [cl], method="POST"), probe=b"")
        self.assertEqual(res.status, 405, res)
        cl = "Content-Length: %d" % (BODY_BYTES + 1)
        res = exchange(srv, get("/a.txt", [cl], method="POST"))
        self.assert_refused(res, 413, "CL past default bound")

    def test_max_body_lowered_static_and_cgi(self):
        """--max-body 1000: a 1000-byte body reaches the script whole
        (and is dropped by a static target, which answers 405 and keeps
        the connection); 1001 bytes is 413 for both, and the script never
        runs."""
        srv = self.start("--max-body", "1000")
        for n, ok in ((1000, True), (1001, False)):
            body = os.urandom(n)
            raw = get("/cgi-bin/echo.cgi", ["Content-Length: %d" % n],
                      method="POST") + body
            res = exchange(srv, raw)
            if ok:
                self.assertEqual(res.status, 200, res)
                got = kv(res.body)
                self.assertEqual(got["COUNT"], str(n))
                self.assertEqual(got["SHA"], hashlib.sha256(body).hexdigest())
                self.assert_ok(res, "CL at lowered bound (cgi)")
            else:
                self.assert_refused(res, 413, "CL past lowered bound (cgi)")
            raw = get("/a.txt", ["Content-Length: %d" % n],
                      method="POST") + body
            res = exchange(srv, raw)
            if ok:
                self.assertEqual(res.status, 405, res)
                self.assert_ok(res, "CL at lowered bound (static)")
            else:
                self.assert_refused(res, 413, "CL past lowered bound (static)")
        self.assertNotIn("echo.cgi pid", srv.read_log())

    def test_max_body_chunked_lowered(self):
        """V-13-a chunked, --max-body 1000: 1000 decoded bytes in several
        chunks reach the script (CONTENT_LENGTH exact); a body whose
        running total reaches 1001 is 413."""
        srv = self.start("--max-body", "1000")
        body = os.urandom(1000)
        parts = [(b"", body[:400]), (b"", body[400:999]), (b"", body[999:])]
        raw = chunked("/cgi-bin/echo.cgi", parts) + b"0\r\n\r\n"
        res = exchange(srv, raw)
        self.assertEqual(res.status, 200, res)
        got = kv(res.body)
        self.assertEqual((got["COUNT"], got["CL"]), ("1000", "1000"))
        self.assertEqual(got["SHA"], hashlib.sha256(body).hexdigest())
        self.assert_ok(res, "chunked at lowered bound")
        raw = chunked("/cgi-bin/echo.cgi", parts + [(b"", b"x")]) + b"0\r\n\r\n"
        self.assert_refused(exchange(srv, raw), 413,
                            "chunked past lowered bound")

    def test_max_body_chunked_default(self):
        """V-13-a chunked at BOUND_BODY_BYTES: 64 MiB in 1 MiB chunks reach
        the script whole; a chunk-size line that would make 64 MiB + 1 is
        refused with 413 as soon as it arrives (no data needed)."""
        srv = self.start()
        piece = os.urandom(1 << 20)
        s = srv.connect(120)
        try:
            s.sendall(b"POST /cgi-bin/echo.cgi HTTP/1.1\r\nHost: t\r\n"
                      b"Transfer-Encoding: chunked\r\n\r\n")
            chunk = b"100000\r\n" + piece + b"\r\n"
            for _ in range(BODY_BYTES >> 20):
                s.sendall(chunk)
            s.sendall(b"0\r\n\r\n" + PROBE)
            rd = _Reader(s, 120)
            status, _, body = rd.response()
            self.assertEqual(status, 200, body[:300])
            got = kv(body)
            self.assertEqual((got["COUNT"], got["CL"]),
                             (str(BODY_BYTES), str(BODY_BYTES)))
            want = hashlib.sha256()
            for _ in range(BODY_BYTES >> 20):
                want.update(piece)
            self.assertEqual(got["SHA"], want.hexdigest())
            self.assertEqual(rd.response()[0], 200)
        finally:
            s.close()
        raw = chunked("/cgi-bin/echo.cgi", []) + b"%x\r\n" % (BODY_BYTES + 1)
        self.assert_refused(exchange(srv, raw, probe=b""), 413,
                            "chunk size past default bound")
        raw = (chunked("/cgi-bin/echo.cgi", [(b"", b"abc")]) +
               b"%x\r\n" % (BODY_BYTES - 2))
        self.assert_refused(exchange(srv, raw, probe=b""), 413,
                            "running total past default bound")

    def test_chunk_size_digits(self):
        """BOUND_CHUNK_SIZE_DIGITS (no option): 16 hex digits (leading
        zeros count) are read, 17 are 400."""
        srv = self.start()
        for n, ok in ((CHUNK_SIZE_DIGITS, True), (CHUNK_SIZE_DIGITS + 1, False)):
            size = b"0" * (n - 1) + b"3"
            raw = (chunked("/cgi-bin/echo.cgi", []) + size + b"\r\nabc\r\n"
                   b"0\r\n\r\n")
            res = exchange(srv, raw)
            if ok:
                self.assertEqual(res.status, 200, res)
                self.assertEqual(kv(res.body)["COUNT"], "3")
                self.assert_ok(res, "size digits at bound")
            else:
                self.assert_refused(res, 400, "size digits past bound")

    def test_chunk_extensions(self):
        """H-9112-7.1-b, BOUND_CHUNK_EXT_BYTES (no option): extensions are
        counted over the whole body (';' and BWS included): 4096 bytes
        spread over three chunk lines are ignored, 4097 is 400."""
        srv = self.start()
        for total, ok in ((CHUNK_EXT_BYTES, True), (CHUNK_EXT_BYTES + 1, False)):
            a = b";a=" + b"x" * 2000          # 2003 bytes
            b = b" ;b=" + b"y" * 2000         # 2004 bytes
            c = b";c" + b"z" * (total - len(a) - len(b) - 2)
            raw = (chunked("/cgi-bin/echo.cgi", [(a, b"hello"), (b, b"!")]) +
                   b"0" + c + b"\r\n\r\n")
            res = exchange(srv, raw)
            if ok:
                self.assertEqual(res.status, 200, res)
                self.assertEqual(kv(res.body)["COUNT"], "6")
                self.assert_ok(res, "extensions at bound")
            else:
                self.assert_refused(res, 400, "extensions past bound")

    def test_trailer(self):
        """H-9112-7.1.2-a, BOUND_TRAILER_BYTES (no option): a trailer
        section of 8192 bytes after the last-chunk line (final CRLF
        included) is discarded, 8193 is 431."""
        srv = self.start()
        for total, ok in ((TRAILER_BYTES, True), (TRAILER_BYTES + 1, False)):
            first = b"X-T1: " + b"t" * 4000 + b"\r\n"
            pre = b"X-T2: "
            second = pre + b"u" * (total - len(first) - len(pre) - 4) + b"\r\n"
            trailer = first + second + b"\r\n"
            self.assertEqual(len(trailer), total)
            raw = chunked("/cgi-bin/echo.cgi", [(b"", b"data")]) + b"0\r\n" + trailer
            res = exchange(srv, raw)
            if ok:
                self.assertEqual(res.status, 200, res)
                self.assertEqual(kv(res.body)["COUNT"], "4")
                self.assert_ok(res, "trailer at bound")
            else:
                self.assert_refused(res, 431, "trailer past bound")


class ConfigFileBoundsTest(BoundTest):
    """-c FILE sets the same bounds as the options."""

    def test_config_file_lowers_fields_and_body(self):
        """max-fields 5 and max-body 1000 in a file: 5 fields and a
        1000-byte body accepted, 6 fields 431, 1001 bytes 413, exactly as
        the command-line options do (test_fields_lowered,
        test_max_body_lowered_static_and_cgi)."""
        conf = os.path.join(self.tree, "bounds.conf")
        with open(conf, "w") as f:
            f.write("# lowered bounds\nmax-fields 5\nmax-body   1000\n")
        os.chmod(conf, 0o644)
        srv = self.start("-c", conf)
        res = exchange(srv, get("/a.txt", ["X-F%d: y" % i for i in range(4)]))
        self.assertEqual(res.status, 200, res)
        self.assert_ok(res, "file fields at bound")
        res = exchange(srv, get("/a.txt", ["X-F%d: y" % i for i in range(5)]))
        self.assert_refused(res, 431, "file fields past bound")
        for n, want in ((1000, 200), (1001, 413)):
            raw = get("/cgi-bin/echo.cgi", ["Content-Length: %d" % n],
                      method="POST") + b"b" * n
            res = exchange(srv, raw)
            self.assertEqual(res.status, want, res)
            if want == 200:
                self.assertEqual(kv(res.body)["COUNT"], str(n))
                self.assert_ok(res, "file body at bound")
            else:
                self.assert_refused(res, 413, "file body past bound")

    def test_config_file_lowers_head_and_request_line(self):
        """max-head 300 and max-request-line 100 in a file behave as
        --max-head 300 and --max-request-line 100."""
        conf = os.path.join(self.tree, "bounds.conf")
        with open(conf, "w") as f:
            f.write("max-head 300\nmax-request-line 100 # bytes\n")
        os.chmod(conf, 0o644)
        srv = self.start("-c", conf)
        self.assertEqual(exchange(srv, head_of(300)).status, 200)
        self.assert_refused(exchange(srv, head_of(301)), 431,
                            "file head past bound")
        self.assertEqual(exchange(srv, line_of(100)).status, 200)
        self.assert_refused(exchange(srv, line_of(101)), 414,
                            "file line past bound")


class OptionCeilingTest(BoundTest):
    """bounds.h: configuration may lower a bound, never raise it. Each
    option accepts exactly the bounds.h value (the server starts) and
    refuses one more (exit status 2, one line naming the option), on the
    command line and in a file."""

    CEILINGS = [("max-request-line", REQUEST_LINE_BYTES),
                ("max-head", HEAD_BYTES),
                ("max-fields", HEAD_FIELDS),
                ("max-body", BODY_BYTES)]

    def test_options_stop_at_the_bound(self):
        import subprocess
        for name, top in self.CEILINGS:
            with self.subTest(name):
                srv = self.start("--" + name, str(top))
                self.assertEqual(exchange(srv, get("/a.txt")).status, 200)
                srv.stop()
                p = subprocess.run([cgitest.CGIHTTPD, "-p", "0", "--" + name,
                                    str(top + 1), self.tree],
                                   capture_output=True, timeout=10)
                self.assertEqual(p.returncode, 2, p)
                self.assertIn(b"--" + name.encode(), p.stderr)
                conf = os.path.join(self.tree, "c.conf")
                with open(conf, "w") as f:
                    f.write("%s %d\n" % (name, top + 1))
                p = subprocess.run([cgitest.CGIHTTPD, "-p", "0", "-c", conf,
                                    self.tree], capture_output=True, timeout=10)
                self.assertEqual(p.returncode, 2, p)
                self.assertIn(b"--" + name.encode(), p.stderr)


class ConnBoundTest(BoundTest):
    """--max-conns (config.c; not in bounds.h, see the report): open
    client connections are counted across workers."""

    def _served(self, s):
        s.sendall(PROBE)
        rd = _Reader(s, 10)
        got = rd.response()
        return got is not None and got[0] == 200

    def test_max_conns(self):
        """--max-conns 3: three kept-alive connections are served at
        once; a fourth is closed unanswered; once one of the three
        leaves, a new connection is served again."""
        srv = self.start("--max-conns", "3")
        socks = [srv.connect(10) for _ in range(3)]
        try:
            for s in socks:
                self.assertTrue(self._served(s))
            extra = srv.connect(10)
            try:
                extra.sendall(PROBE)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.assertIsNone(_Reader(extra, 10).response())
            extra.close()
            socks.pop().close()
            deadline = time.monotonic() + 5
            while True:  # the server notices the close on its next read
                s = srv.connect(10)
                try:
                    ok = self._served(s)
                except (ConnectionResetError, BrokenPipeError):
                    ok = False
                if ok or time.monotonic() > deadline:
                    break
                s.close()
                time.sleep(0.1)
            socks.append(s)
            self.assertTrue(ok, "no connection served after one left")
        finally:
            for s in socks:
                s.close()


class CgiBoundsTest(BoundTest):
    """The CGI bounds of bounds.h, reached through scripts."""

    def envstat(self, srv, fields=()):
        res = exchange(srv, get("/cgi-bin/envstat.cgi", fields))
        return res, kv(res.body) if res.status == 200 else {}

    def test_env_vars(self):
        """V-16, BOUND_CGI_ENV_VARS (no option): with 150 --env entries
        the client's header fields decide the count: an environment of
        exactly 256 entries (as execve gave it) runs, 257 is 431."""
        srv = self.start(*[a for i in range(150)
                           for a in ("--env", "V%03d=1" % i)])
        res, st = self.envstat(srv)
        self.assertEqual(res.status, 200, res)
        n = CGI_ENV_VARS - int(st["COUNT"])
        self.assertTrue(0 < n < HEAD_FIELDS - 1, st)
        fields = ["X-E%d: e" % i for i in range(n)]
        res, st = self.envstat(srv, fields)
        self.assertEqual(res.status, 200, res)
        self.assertEqual(int(st["COUNT"]), CGI_ENV_VARS)
        self.assert_ok(res, "env entries at bound")
        res, st = self.envstat(srv, fields + ["X-E-Last: e"])
        self.assert_refused(res, 431, "env entries past bound")

    def test_env_bytes(self):
        """V-16, BOUND_CGI_ENV_BYTES (no option): two big --env values
        bring the environment to about 4 KiB under 256 KiB; a header value
        then makes it exactly 262144 bytes (entries with their NULs, as
        execve gave them): the script runs; one byte more is 431."""
        srv = self.start()
        res, st = self.envstat(srv, ["X-Pad: p"])
        self.assertEqual(res.status, 200, res)
        base = int(st["BYTES"])
        self.stop_all()
        a = CGI_ENV_VAR_BYTES - 200
        b = CGI_ENV_BYTES - base - 4000 - (a + len("BIGA=") + 1) - len("BIGB=") - 1
        srv = self.start("--env", "BIGA=" + "a" * a, "--env", "BIGB=" + "b" * b)
        res, st = self.envstat(srv, ["X-Pad: p"])
        self.assertEqual(res.status, 200, res)
        pad = 1 + CGI_ENV_BYTES - int(st["BYTES"])
        self.assertTrue(3000 < pad < FIELD_LINE_BYTES - 10, (pad, st))
        res, st = self.envstat(srv, ["X-Pad: " + "p" * pad])
        self.assertEqual(res.status, 200, res)
        self.assertEqual(int(st["BYTES"]), CGI_ENV_BYTES)
        self.assert_ok(res, "env bytes at bound")
        res, st = self.envstat(srv, ["X-Pad: " + "p" * (pad + 1)])
        self.assert_refused(res, 431, "env bytes past bound")

    def test_env_var_bytes(self):
        """V-16, BOUND_CGI_ENV_VAR_BYTES (no option; Linux MAX_ARG_STRLEN):
        an entry of 131072 bytes with its NUL, set by the configuration
        (no request can make one: the head bound is 16 KiB), reaches the
        script; 131073 is 431 for every request instead of an E2BIG."""
        for n, ok in ((CGI_ENV_VAR_BYTES, True), (CGI_ENV_VAR_BYTES + 1, False)):
            conf = os.path.join(self.tree, "env%d.conf" % n)
            with open(conf, "w") as f:
                f.write("env BIG=%s\n" % ("v" * (n - len("BIG=") - 1)))
            os.chmod(conf, 0o644)
            srv = self.start("-c", conf)
            res, st = self.envstat(srv)
            if ok:
                self.assertEqual(res.status, 200, res)
                self.assertEqual(int(st["LONGEST"]), n)
                self.assert_ok(res, "env entry at bound")
            else:
                self.assertEqual(res.status, 431, res)
            self.stop_all()

    def test_resp_line(self):
        """S-6.3-h, BOUND_CGI_RESP_LINE (no option): a script header line
        of 8192 bytes with its LF is forwarded, 8193 is 502."""
        srv = self.start()
        res = exchange(srv, get("/cgi-bin/resp.cgi?line=%d" % CGI_RESP_LINE))
        self.assertEqual(res.status, 200, res)
        self.assertEqual(len(res.headers["x-pad"]), CGI_RESP_LINE - 8)
        self.assert_ok(res, "script line at bound", b"ok\n")
        res = exchange(srv, get("/cgi-bin/resp.cgi?line=%d" % (CGI_RESP_LINE + 1)))
        self.assertEqual(res.status, 502, res)

    def test_resp_fields(self):
        """S-6.3-h, BOUND_CGI_RESP_FIELDS (no option): 100 script header
        fields (Content-Type included) are forwarded, 101 is 502."""
        srv = self.start()
        res = exchange(srv, get("/cgi-bin/resp.cgi?fields=%d" % CGI_RESP_FIELDS))
        self.assertEqual(res.status, 200, res)
        self.assertEqual(res.headers.get("x-f98"), "v")
        self.assert_ok(res, "script fields at bound", b"ok\n")
        res = exchange(srv, get("/cgi-bin/resp.cgi?fields=%d" % (CGI_RESP_FIELDS + 1)))
        self.assertEqual(res.status, 502, res)

    def test_resp_head(self):
        """S-6.3-h, BOUND_CGI_RESP_HEAD (no option): a script header block
        of 65536 bytes (blank line included) is forwarded, 65537 is 502."""
        srv = self.start()
        try:
            res = exchange(srv, get("/cgi-bin/resp.cgi?head=%d" % CGI_RESP_HEAD),
                           timeout=10)
        except socket.timeout:
            self.fail("a 65536-byte script header block: no answer in 10 s "
                      "(the response head fills conn's output buffer and "
                      "conn_write returns 0 without flushing it)")
        self.assertEqual(res.status, 200, res)
        self.assert_ok(res, "script head at bound", b"ok\n")
        res = exchange(srv, get("/cgi-bin/resp.cgi?head=%d" % (CGI_RESP_HEAD + 1)))
        self.assertEqual(res.status, 502, res)

    def test_redirects(self):
        """S-6.2.2-b, BOUND_CGI_REDIRECTS (no option): a chain of 10 local
        redirects lands, 11 is 500."""
        srv = self.start()
        res = exchange(srv, get("/cgi-bin/redir.cgi?%d" % CGI_REDIRECTS))
        self.assertEqual(res.status, 200, res)
        self.assert_ok(res, "redirects at bound", b"LANDED\n")
        res = exchange(srv, get("/cgi-bin/redir.cgi?%d" % (CGI_REDIRECTS + 1)))
        self.assertEqual(res.status, 500, res)

    def stop_all(self):
        """Stops the servers started so far (their cleanups stay harmless)."""
        for srv in getattr(self, "_servers", []):
            srv.stop()

    def start(self, *args, **kw):
        srv = super().start(*args, **kw)
        self._servers = getattr(self, "_servers", []) + [srv]
        return srv


if __name__ == "__main__":
    unittest.main()
