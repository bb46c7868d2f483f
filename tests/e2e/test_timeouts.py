"""tests/e2e/test_timeouts.py - every wait has a deadline (checklist V-10):
a slowloris crowd does not delay a normal request and is cut off with 408,
idle keep-alive connections are closed silently, a stalled body gets 408,
and a client that stops reading is dropped after the write timeout."""
import os
import shutil
import socket
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cgitest  # noqa: E402
from test_http_protocol import Wire, request  # noqa: E402

BIG = b"z" * (8 * 1024 * 1024)


class TimeoutTest(cgitest.ServerTest):
    files = {"a.txt": "alpha\n", "big.bin": BIG}

    def test_slowloris_does_not_delay_a_normal_request(self):
        """V-10-a/d: 50 connections dribbling a head byte by byte; a normal
        request meanwhile is answered promptly, and the dribblers get 408
        once --header-timeout (2 s) passes since their first byte."""
        srv = self.start("--header-timeout", "2", "-w", "1")
        crowd = []
        for _ in range(50):
            s = srv.connect(10)
            s.sendall(b"GET /a.txt HTTP/1.1\r\n")
            crowd.append(s)
        self.addCleanup(lambda: [s.close() for s in crowd])
        t0 = time.monotonic()
        for i in range(5):
            for s in crowd:
                s.sendall(b"X")  # a header name that never ends
            t = time.monotonic()
            r = request(srv, "/a.txt")
            self.assertEqual(r.status, 200)
            self.assertLess(time.monotonic() - t, 0.5, "normal request was delayed")
            time.sleep(0.2)
        # the dribblers are cut off with 408 within the bound
        got408 = 0
        for s in crowd:
            s.settimeout(max(0.1, t0 + 8 - time.monotonic()))
            try:
                data = s.recv(4096)
            except (socket.timeout, ConnectionResetError):
                data = b""
            if data.startswith(b"HTTP/1.1 408"):
                got408 += 1
        self.assertEqual(got408, 50)
        self.assertLess(time.monotonic() - t0, 8)

    def test_connections_per_address_are_capped(self):
        """V-10-d: with --max-conns-per-ip 3, a fourth connection from the
        same address is closed unanswered while three are open; once one
        of them closes, a new one is served again."""
        srv = self.start("--max-conns-per-ip", "3", "-w", "1")
        held = [srv.connect(5) for _ in range(3)]
        for s in held:  # make sure all three were accepted
            s.sendall(b"GET /a.txt HTTP/1.1\r\nHost: t\r\n\r\n")
            self.assertTrue(s.recv(65536).startswith(b"HTTP/1.1 200"))
        w = Wire(srv)
        w.send(b"GET /a.txt HTTP/1.1\r\nHost: t\r\n\r\n")
        self.assertTrue(w.closed_by_server(wait=5))
        self.assertEqual(w.buf, b"")
        w.close()
        held.pop().close()
        deadline = time.monotonic() + 5
        while True:
            try:
                r = request(srv, "/a.txt")
                break
            except (EOFError, ConnectionResetError):
                self.assertLess(time.monotonic(), deadline)
                time.sleep(0.05)
        self.assertEqual(r.status, 200)
        for s in held:
            s.close()

    def test_idle_keepalive_connection_closed_silently(self):
        """After a response, an idle connection is closed once
        --keepalive-timeout (1 s) passes, with no 408 sent."""
        srv = self.start("--keepalive-timeout", "1")
        w = Wire(srv)
        w.send(b"GET /a.txt HTTP/1.1\r\nHost: t\r\n\r\n")
        self.assertEqual(w.read_response().status, 200)
        t0 = time.monotonic()
        self.assertTrue(w.closed_by_server(wait=5))
        self.assertGreater(time.monotonic() - t0, 0.8)
        self.assertEqual(w.buf, b"")
        w.close()

    def test_keepalive_timeout_in_milliseconds(self):
        """Timeouts accept an "ms" suffix: 300ms closes well before 1 s."""
        srv = self.start("--keepalive-timeout", "300ms")
        w = Wire(srv)
        w.send(b"GET /a.txt HTTP/1.1\r\nHost: t\r\n\r\n")
        w.read_response()
        t0 = time.monotonic()
        self.assertTrue(w.closed_by_server(wait=5))
        self.assertLess(time.monotonic() - t0, 1.0)
        w.close()

    def test_silent_connection_closed_without_response(self):
        """A connection that never sends a byte is closed after the header
        timeout, with no response at all."""
        srv = self.start("--header-timeout", "1")
        w = Wire(srv)
        self.assertTrue(w.closed_by_server(wait=5))
        self.assertEqual(w.buf, b"")
        w.close()

    def test_stalled_body_gets_408(self):
        """V-10-b: a body that stops arriving is answered 408 after
        --body-timeout, then closed. (A POST to a static file: its body is
        read to be discarded.)"""
        srv = self.start("--body-timeout", "1")
        w = Wire(srv)
        w.send(b"POST /a.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nabc")
        r = w.read_response()
        # The 405 may come first (the body is drained after it); then the
        # stall closes the connection.
        if r.status == 405:
            self.assertTrue(w.closed_by_server(wait=5))
        else:
            self.assertEqual(r.status, 408)
        w.close()

    def test_stalled_body_to_a_script_gets_408(self):
        """V-10-b under a handler: a CGI script waits for a body that
        stalls; after --body-timeout conn aborts the handler (the script is
        killed, not left behind) and answers 408 itself, then closes."""
        piddir = tempfile.mkdtemp(prefix="cgihttpd-pid-")
        os.chmod(piddir, 0o777)
        self.addCleanup(shutil.rmtree, piddir, True)
        pidfile = os.path.join(piddir, "pid")
        cgitest.write_file(self.tree, "cgi-bin/read.sh",
                           "#!/bin/sh\necho $$ > %s\ncat >/dev/null\n"
                           "printf 'Content-Type: text/plain\\r\\n\\r\\nok'\n" % pidfile)
        srv = self.start("--body-timeout", "1", "--cgi-timeout", "60")
        w = Wire(srv)
        w.send(b"POST /cgi-bin/read.sh HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nabc")
        t0 = time.monotonic()
        r = w.read_response()
        self.assertEqual(r.status, 408)
        self.assertLess(time.monotonic() - t0, 5)
        self.assertTrue(w.closed_by_server())
        w.close()
        with open(pidfile) as f:
            pid = int(f.read())
        deadline = time.monotonic() + 10
        alive = True
        while alive and time.monotonic() < deadline:
            try:
                with open("/proc/%d/stat" % pid) as f:
                    alive = f.read().split(") ")[1][0] != "Z"
            except FileNotFoundError:
                alive = False
            time.sleep(0.05)
        self.assertFalse(alive, "the script outlived its aborted request")

    def test_slow_reader_is_dropped_after_write_timeout(self):
        """V-10-c: a client that never reads an 8 MiB response is
        disconnected after --write-timeout (1 s) of no progress; other
        clients are served meanwhile."""
        srv = self.start("--write-timeout", "1")
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect((srv.host, srv.port))
        s.sendall(b"GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n")
        time.sleep(0.3)
        self.assertEqual(request(srv, "/a.txt").status, 200)
        time.sleep(2.5)
        s.settimeout(5)
        got = 0
        try:
            while True:
                chunk = s.recv(1 << 20)
                if not chunk:
                    break
                got += len(chunk)
        except (ConnectionResetError, socket.timeout):
            pass
        s.close()
        self.assertLess(got, len(BIG))


if __name__ == "__main__":
    unittest.main()
