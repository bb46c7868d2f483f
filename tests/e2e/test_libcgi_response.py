"""tests/e2e/test_libcgi_response.py - libcgi's response helpers through the
real server (build/cgihttpd) and real clients, with tests/tools/resp_echo.c:

- L-3875-5.2: a program the server runs as NPH (cgi-bin/nph-*) that calls
  cgi_nph writes a whole HTTP response which Python's http.client parses:
  the client's HTTP version, Date, Connection: close, no body for HEAD.
- L-API-09: cgi_fail's details reach the server's error log and never the
  client, who gets the fixed 500 page.
- L-3875-8.2-b: cgi_want_form answers 415 to a text/plain POST and to a
  body without a type, and lets a urlencoded POST through."""
import http.client
import time
import unittest

import cgitest


class ResponseTest(cgitest.ServerTest):
    def setUp(self):
        super().setUp()
        cgitest.add_tool(self.tree, "resp_echo", "nph-resp", "resp")
        self.srv = self.start()

    def request(self, method, path, body=None, headers=None):
        c = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=10)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            return r.status, dict(r.getheaders()), r.read()
        finally:
            c.close()

    def test_L_3875_5_2_nph_response_parses(self):
        """HTTP/1.1: the program's own status line and fields arrive as
        sent; the server added no Server or framing fields (it passes NPH
        output through), and the response ends with the connection."""
        st, hdrs, body = self.request("GET", "/cgi-bin/nph-resp")
        self.assertEqual(st, 200)
        self.assertEqual(body, b"hello\n")
        self.assertEqual(hdrs.get("Connection"), "close")
        self.assertRegex(hdrs.get("Date", ""),
                         r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} "
                         r"\d{2}:\d{2}:\d{2} GMT$")
        self.assertEqual(hdrs.get("Content-Type"), "text/plain; charset=utf-8")
        self.assertNotIn("Status", hdrs)
        for field in ("Content-Length", "Transfer-Encoding", "Server"):
            self.assertNotIn(field, hdrs)

    def test_L_3875_5_2_nph_http10_client(self):
        """An HTTP/1.0 request gets an HTTP/1.0 status line from the
        program itself."""
        out = self.srv.raw(b"GET /cgi-bin/nph-resp HTTP/1.0\r\n\r\n")
        self.assertTrue(out.startswith(b"HTTP/1.0 200 OK\r\n"), out[:80])
        self.assertTrue(out.endswith(b"\r\n\r\nhello\n"), out[-40:])

    def test_L_3875_5_2_nph_head(self):
        out = self.srv.raw(b"HEAD /cgi-bin/nph-resp HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertTrue(out.startswith(b"HTTP/1.1 200 OK\r\n"), out[:80])
        self.assertTrue(out.endswith(b"\r\n\r\n"), out[-40:])
        self.assertNotIn(b"hello", out)

    def test_L_API_09_fail_details_only_in_log(self):
        st, _, body = self.request("GET", "/cgi-bin/resp?mode=fail&x=SECRET42")
        self.assertEqual(st, 500)
        self.assertNotIn(b"SECRET42", body)
        self.assertIn(b"500 Internal Server Error", body)
        want = "libcgi: /cgi-bin/resp: lookup of SECRET42 failed"
        deadline = time.monotonic() + 5
        while want not in self.srv.read_log() and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertIn(want, self.srv.read_log())

    def test_L_3875_8_2_b_want_form(self):
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        st, _, body = self.request("POST", "/cgi-bin/resp?mode=form", "a=1",
                                   form)
        self.assertEqual((st, body), (200, b"a=1\n"))
        st, _, body = self.request("POST", "/cgi-bin/resp?mode=form", "a=1",
                                   {"Content-Type": "text/plain"})
        self.assertEqual(st, 415)
        self.assertNotIn(b"a=1", body)
        # No type at all, with a body (http.client adds none for bytes
        # when told not to): still not a form.
        out = self.srv.raw(b"POST /cgi-bin/resp?mode=form HTTP/1.1\r\n"
                           b"Host: x\r\nContent-Length: 3\r\n"
                           b"Connection: close\r\n\r\na=1")
        self.assertEqual(cgitest.status_of(out), 415, out[:80])


if __name__ == "__main__":
    unittest.main()
