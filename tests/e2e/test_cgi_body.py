"""test_cgi_body.py - request bodies to scripts (checklist 1.5, S-4.2-*,
V-13-a, H-9110-10.1.1-a): Content-Length and chunked bodies, spooling,
100-continue, full duplex, the body limit."""
import hashlib
import os
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures"))
from cgifix import CgiTest, parse_response, connect  # noqa: E402
from cgitest import recv_all  # noqa: E402


def chunked(data, size=333):
    out = b""
    for i in range(0, len(data), size):
        part = data[i:i + size]
        out += b"%x\r\n" % len(part) + part + b"\r\n"
    return out + b"0\r\n\r\n"


class CgiBodyTest(CgiTest):

    def setUp(self):
        super().setUp()
        self.start("--max-body", "6000000")

    def echo(self, resp):
        kv = dict(l.split("=", 1) for l in resp.body.decode().split())
        return kv["CONTENT_LENGTH"], int(kv["COUNT"]), kv["SHA256"]

    def test_S_4_2_a_b_content_length_body(self):
        body = os.urandom(1 << 20)
        r = self.req("/cgi-bin/echo.cgi", method="POST", body=body, timeout=30)
        self.assertEqual(self.echo(r), (str(len(body)), len(body),
                                        hashlib.sha256(body).hexdigest()))

    def test_S_4_1_2_b_S_4_2_d_chunked_spooled(self):
        """3 chunks totalling 1000 bytes -> CONTENT_LENGTH 1000 exactly."""
        body = os.urandom(1000)
        r = self.req("/cgi-bin/echo.cgi", method="POST",
                     headers=("Transfer-Encoding: chunked",),
                     body=chunked(body, 400))
        self.assertEqual(self.echo(r), ("1000", 1000,
                                        hashlib.sha256(body).hexdigest()))

    def test_S_4_2_d_chunked_large_to_temp_file(self):
        body = os.urandom(5 * 1024 * 1024)
        r = self.req("/cgi-bin/echo.cgi", method="POST",
                     headers=("Transfer-Encoding: chunked",),
                     body=chunked(body, 65536), timeout=60)
        self.assertEqual(self.echo(r), (str(len(body)), len(body),
                                        hashlib.sha256(body).hexdigest()))

    def test_V_13_a_over_limit(self):
        """Declared over --max-body -> 413, chunked past it -> 413; the
        script never runs."""
        r = self.req("/cgi-bin/echo.cgi", method="POST",
                     headers=("Content-Length: 6000001",), body=b"",
                     timeout=10)
        self.assertEqual(r.status, 413)
        r = self.req("/cgi-bin/echo.cgi", method="POST",
                     headers=("Transfer-Encoding: chunked",),
                     body=chunked(b"x" * 6000001, 65536), timeout=60)
        self.assertEqual(r.status, 413)
        self.assertNotIn("cgi_exit", self.srv.read_log("access"))

    def test_S_4_2_c_pipelined_body_boundary(self):
        """The script gets exactly CONTENT_LENGTH bytes; the next request's
        bytes never reach it."""
        raw = (b"POST /cgi-bin/echo.cgi HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n"
               b"hello"
               b"GET /cgi-bin/hdr.cgi?lf HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        first, rest = parse_response(self.exchange(raw))
        self.assertEqual(self.echo(first), ("5", 5, hashlib.sha256(b"hello").hexdigest()))
        second, _ = parse_response(rest)
        self.assertEqual(second.body, b"body-lf\n")

    def test_S_4_2_i_full_duplex(self):
        """The script writes 1 MiB before reading a 1 MiB body: no deadlock."""
        body = os.urandom(1 << 20)
        r = self.req("/cgi-bin/duplex.cgi", method="POST", body=body, timeout=30)
        self.assertEqual(r.status, 200)
        tail = r.body[1 << 20:]
        self.assertEqual(tail, b"\nREAD=%d SHA256=%s\n" % (
            len(body), hashlib.sha256(body).hexdigest().encode()))

    def test_S_4_2_h_expect_100_continue(self):
        s = connect(self.srv)
        try:
            s.sendall(b"POST /cgi-bin/echo.cgi HTTP/1.1\r\nHost: x\r\n"
                      b"Content-Length: 4\r\nExpect: 100-continue\r\n"
                      b"Connection: close\r\n\r\n")
            first = s.recv(100)
            self.assertTrue(first.startswith(b"HTTP/1.1 100"), first)
            s.sendall(b"abcd")
            data = recv_all(s, first)
        finally:
            s.close()
        rest = data.split(b"\r\n\r\n", 1)[1]
        r, _ = parse_response(rest)
        self.assertEqual(self.echo(r)[:2], ("4", 4))

    def test_S_3_4_a_script_starts_before_body_ends(self):
        """With a Content-Length body the script runs while the body is
        still arriving (its header block comes back before we finish)."""
        s = connect(self.srv)
        try:
            s.sendall(b"POST /cgi-bin/duplex.cgi HTTP/1.1\r\nHost: x\r\n"
                      b"Content-Length: 10\r\nConnection: close\r\n\r\nabc")
            got = b""
            deadline = time.monotonic() + 10
            while b"\r\n\r\n" not in got and time.monotonic() < deadline:
                got += s.recv(65536)
            self.assertIn(b"200 OK", got)
            s.sendall(b"defghij")
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                got += chunk
            self.assertIn(b"READ=10 ", got)
        finally:
            s.close()

    def test_S_4_2_h_expect_with_413(self):
        """A final status instead of 100 Continue when the body is refused."""
        s = connect(self.srv)
        try:
            s.sendall(b"POST /cgi-bin/echo.cgi HTTP/1.1\r\nHost: x\r\n"
                      b"Content-Length: 7000000\r\nExpect: 100-continue\r\n\r\n")
            data = recv_all(s)
        finally:
            s.close()
        self.assertTrue(data.startswith(b"HTTP/1.1 413"), data[:100])
        self.assertNotIn(b"100 Continue", data)

    def test_S_4_2_g_unread_body_never_parsed(self):
        """A script that ignores a 1 MiB body whose bytes look like requests:
        none of them is ever answered or run."""
        fake = b"GET /cgi-bin/env.cgi?SMUGGLED HTTP/1.1\r\nHost: x\r\n\r\n"
        body = (fake * (1048576 // len(fake) + 1))[:1048576]
        raw = (b"POST /cgi-bin/sig.cgi HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n"
               % len(body)) + body + \
            b"GET /cgi-bin/hdr.cgi?lf HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        data = self.exchange(raw, timeout=30)
        first, rest = parse_response(data)
        self.assertEqual(first.status, 200)
        self.assertNotIn(b"SMUGGLED", data)
        if rest:
            second, _ = parse_response(rest)
            self.assertEqual(second.body, b"body-lf\n")
        self.assertNotIn("SMUGGLED", self.srv.read_log("access"))
