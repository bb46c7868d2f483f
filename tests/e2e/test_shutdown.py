"""tests/e2e/test_shutdown.py - SIGTERM and SIGINT stop the server
gracefully: no new connections, idle ones closed at once, an in-flight
download finishes, exit status 0; and a client that never reads cannot hold
the exit past --shutdown-timeout."""
import hashlib
import os
import signal
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cgitest  # noqa: E402
from test_http_protocol import Wire  # noqa: E402

BIG = os.urandom(4 * 1024 * 1024)


class ShutdownTest(cgitest.ServerTest):
    files = {"big.bin": BIG, "a.txt": "a\n"}

    def slow_client(self, srv):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32768)
        s.connect((srv.host, srv.port))
        s.sendall(b"GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n")
        s.settimeout(30)
        return s

    def test_in_flight_download_finishes_then_exit_0(self):
        """SIGTERM during a slow download: the download completes byte for
        byte, a new connection is refused, and the exit status is 0."""
        srv = self.start()
        s = self.slow_client(srv)
        data = s.recv(65536)
        srv.proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        with self.assertRaises(OSError):
            c = socket.create_connection((srv.host, srv.port), timeout=2)
            c.sendall(b"GET /a.txt HTTP/1.1\r\nHost: t\r\n\r\n")
            if not c.recv(100):
                raise ConnectionResetError("closed")
            c.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            time.sleep(0.001)  # a slow reader
        s.close()
        head, _, body = data.partition(b"\r\n\r\n")
        self.assertTrue(head.startswith(b"HTTP/1.1 200"))
        self.assertEqual(hashlib.sha256(body).digest(), hashlib.sha256(BIG).digest())
        self.assertEqual(srv.proc.wait(10), 0)

    def test_idle_connections_do_not_delay_exit(self):
        """SIGINT with idle keep-alive connections open: they are closed at
        once and the server exits 0 promptly."""
        srv = self.start("--keepalive-timeout", "60")
        wires = []
        for _ in range(5):
            w = Wire(srv)
            w.send(b"GET /a.txt HTTP/1.1\r\nHost: t\r\n\r\n")
            w.read_response()
            wires.append(w)
        t0 = time.monotonic()
        srv.proc.send_signal(signal.SIGINT)
        self.assertEqual(srv.proc.wait(5), 0)
        self.assertLess(time.monotonic() - t0, 2)
        for w in wires:
            self.assertTrue(w.closed_by_server(wait=2))
            w.close()

    def test_stuck_reader_bounded_by_shutdown_timeout(self):
        """A client that never reads cannot keep the server alive: with
        --shutdown-timeout 1 it exits 0 within a few seconds."""
        srv = self.start("--shutdown-timeout", "1", "--write-timeout", "60")
        s = self.slow_client(srv)
        s.recv(100)
        time.sleep(0.2)
        t0 = time.monotonic()
        srv.proc.send_signal(signal.SIGTERM)
        self.assertEqual(srv.proc.wait(10), 0)
        self.assertLess(time.monotonic() - t0, 4)
        s.close()
        self.assertIn("shutdown", srv.read_log())


if __name__ == "__main__":
    unittest.main()
