"""tests/e2e/test_logs.py - the access log in Combined Log Format (one line
per request, request bytes escaped so nothing can forge a line) and the
error log with a timestamp on every line."""
import os
import re
import select
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cgitest  # noqa: E402
from test_http_protocol import Wire, request  # noqa: E402

CLF = re.compile(
    r'^(?P<host>\S+) - - \[(?P<time>\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4})\] '
    r'"(?P<req>[^"]*)" (?P<status>\d{3}) (?P<bytes>\d+|-) "(?P<ref>[^"]*)" "(?P<ua>[^"]*)"$')
ERRLINE = re.compile(r"^\[\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\] \[(error|warn|info)\] .+$")


def wait_for(fn, timeout=5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.05)
    return fn()


class LogTest(cgitest.ServerTest):
    files = {"a.txt": "alpha\n"}

    def access_lines(self, srv, n):
        return wait_for(lambda: [l for l in srv.read_log("access").splitlines()
                                 if l][:n] if len(srv.read_log("access").splitlines()) >= n else None)

    def test_access_log_combined_format(self):
        """A GET writes one CLF line: peer, time, request line, status,
        bytes, Referer and User-Agent."""
        srv = self.start()
        request(srv, "/a.txt", headers={"Referer": "http://ref.test/x",
                                        "User-Agent": "tester/1.0"})
        lines = self.access_lines(srv, 1)
        self.assertTrue(lines)
        m = CLF.match(lines[0])
        self.assertIsNotNone(m, lines[0])
        self.assertEqual(m["host"], "127.0.0.1")
        self.assertEqual(m["req"], "GET /a.txt HTTP/1.1")
        self.assertEqual(m["status"], "200")
        self.assertEqual(m["bytes"], "6")
        self.assertEqual(m["ref"], "http://ref.test/x")
        self.assertEqual(m["ua"], "tester/1.0")

    def test_access_log_escapes_quotes_and_logs_errors(self):
        """A User-Agent with quotes and a bad request are both logged as
        single well-formed lines (the quote becomes \\x22)."""
        srv = self.start()
        request(srv, "/missing", headers={"User-Agent": 'evil" 200 1 "x'})
        w = Wire(srv)
        w.send(b"GET /a b c HTTP/1.1\r\nHost: t\r\n\r\n")
        w.read_response()
        w.close()
        lines = self.access_lines(srv, 2)
        self.assertEqual(len(lines), 2, lines)
        for l in lines:
            self.assertIsNotNone(CLF.match(l), l)
        statuses = sorted(CLF.match(l)["status"] for l in lines)
        self.assertEqual(statuses, ["400", "404"])
        self.assertTrue(any(r'evil\x22 200 1 \x22x' in l for l in lines), lines)

    def test_access_log_to_stdout(self):
        """--access-log - writes the CLF lines to standard output, after
        the "listening on" line."""
        srv = self.start("--access-log", "-")
        request(srv, "/a.txt")
        out = srv.early_output.decode()
        deadline = time.monotonic() + 5
        while "GET /a.txt" not in out and time.monotonic() < deadline:
            r, _, _ = select.select([srv.proc.stdout], [], [], 0.2)
            if r:
                out += os.read(srv.proc.stdout.fileno(), 4096).decode()
        lines = out.strip().split("\n")
        self.assertTrue(lines[0].startswith("cgihttpd: listening on "))
        self.assertEqual(len(lines), 2, lines)
        self.assertIsNotNone(CLF.match(lines[1]), lines[1])
        self.assertEqual(srv.read_log("access"), "")

    def test_access_log_off(self):
        """--access-log off writes nothing."""
        srv = self.start("--access-log", "off")
        request(srv, "/a.txt")
        time.sleep(0.3)
        self.assertEqual(srv.read_log("access"), "")

    def test_error_log_lines_have_timestamps(self):
        """Every error-log line starts with an ISO-8601 UTC timestamp and a
        level; the startup line is there."""
        srv = self.start()
        request(srv, "/a.txt")
        # The startup lines may land one after the other: wait for the
        # last one, not merely for a non-empty file.
        log = wait_for(lambda: "serving" in srv.read_log("error")
                       and srv.read_log("error"))
        self.assertIn("serving", log)
        for line in log.splitlines():
            self.assertRegex(line, ERRLINE)


if __name__ == "__main__":
    unittest.main()
