"""tests/e2e/test_libcgi_path.py - the PATH_INFO helpers of libcgi through
the real cgihttpd, as CGI (tests/tools/path_echo.c under two names).

path_echo answers the PATH_INFO it got and the segments cgi_path_segments
made of it; no_path (the same binary) calls cgi_no_path_info. Proves:
- L-API-11: /prog/a/b reaches the program as the segments a and b, a final
  slash as a last empty segment, UTF-8 bytes as they are, and %252e%252e
  as the literal segment %2e%2e (decoded once, by the server only);
- L-3875-8.2-c: a ".." never reaches the program. cgihttpd normalises the
  request path before it picks the script (RFC 3986 5.2.4, after one
  decode): /prog/a/../b runs prog with PATH_INFO /b, /prog/a/%2E%2E/b
  too, /prog/a//b gives /a/b, and a ".." that climbs out of the script
  (/prog/%2e%2e/b) names another file, so prog does not run at all;
  a backslash or a NUL in the path is refused by the server (400);
- L-3875-8.2-a: a program that calls cgi_no_path_info answers
  /prog/extra (and /prog/) with its own 404 and /prog with 200, while the
  same binary as path_echo answers /prog/extra with 200 (the 404 is the
  program's choice, not a missing file)."""
import http.client
import unittest

import cgitest

DEADLINE = 10
# cgi_error_page's markup: the server's own pages break the line before
# <body>, so this tells the program's 404 from the server's.
LIBCGI_404 = ("<html><head><title>404 Not Found</title></head>"
              "<body><h1>404 Not Found</h1></body></html>")


def parse_echo(body):
    """path_echo's answer as (path_info, status, [segments])."""
    lines = body.split("\n")
    assert lines[0].startswith("path_info="), body
    assert lines[1].startswith("status="), body
    assert lines[2].startswith("n="), body
    n = int(lines[2][2:])
    segs = lines[3:3 + n]
    for s in segs:
        assert s.startswith("[") and s.endswith("]"), body
    return lines[0][10:], lines[1][7:], [s[1:-1] for s in segs]


class LibcgiPathTest(cgitest.ServerTest):
    def setUp(self):
        super().setUp()
        cgitest.add_tool(self.tree, "path_echo", "path_echo", "no_path")
        self.srv = self.start()

    def get(self, target):
        """(status, body text) of GET target, sent exactly as given."""
        c = http.client.HTTPConnection("127.0.0.1", self.srv.port,
                                       timeout=DEADLINE)
        try:
            c.request("GET", target)
            r = c.getresponse()
            return r.status, r.read().decode("utf-8", "replace")
        finally:
            c.close()

    def echo(self, target):
        st, body = self.get(target)
        self.assertEqual(st, 200, "%s: %s" % (target, body))
        return parse_echo(body)

    def test_segments_L_API_11(self):
        """L-API-11: the segments of PATH_INFO as the program sees them."""
        rows = [
            ("/cgi-bin/path_echo/a/b", "/a/b", ["a", "b"]),
            ("/cgi-bin/path_echo/a/b/", "/a/b/", ["a", "b", ""]),
            ("/cgi-bin/path_echo/", "/", [""]),
            ("/cgi-bin/path_echo", "", []),
            ("/cgi-bin/path_echo/%C3%A9/%C3%BC", "/\\xc3\\xa9/\\xc3\\xbc",
             ["\\xc3\\xa9", "\\xc3\\xbc"]),
            # Decoded once by the server: %25 became %, and the library
            # does not decode again.
            ("/cgi-bin/path_echo/%252e%252e", "/%2e%2e", ["%2e%2e"]),
            ("/cgi-bin/path_echo/a%252Fb", "/a%2Fb", ["a%2Fb"]),
        ]
        for target, pi, segs in rows:
            with self.subTest(target=target):
                self.assertEqual(self.echo(target), (pi, "ok", segs))

    def test_dot_segments_never_reach_the_program_L_3875_8_2_c(self):
        """L-3875-8.2-c: cgihttpd removes dot segments and collapses "//"
        before choosing the script, so the program never sees them."""
        rows = [
            ("/cgi-bin/path_echo/a/../b", "/b", ["b"]),
            ("/cgi-bin/path_echo/a/%2E%2E/b", "/b", ["b"]),
            ("/cgi-bin/path_echo/./a", "/a", ["a"]),
            ("/cgi-bin/path_echo/a/..", "/", [""]),
            ("/cgi-bin/path_echo/a//b", "/a/b", ["a", "b"]),
        ]
        for target, pi, segs in rows:
            with self.subTest(target=target):
                got = self.echo(target)
                self.assertEqual(got, (pi, "ok", segs))
                self.assertNotIn("..", got[0])
        # A ".." that climbs out of the script names /cgi-bin/b: no such
        # program, so nothing runs (the server's 404, not libcgi's).
        for target in ("/cgi-bin/path_echo/%2e%2e/b",
                       "/cgi-bin/path_echo/../../x"):
            with self.subTest(target=target):
                st, body = self.get(target)
                self.assertEqual(st, 404)
                self.assertNotIn("path_info=", body)
                self.assertNotIn(LIBCGI_404, body)
        # Bytes the library would refuse are refused by the server first.
        for target in ("/cgi-bin/path_echo/a%5Cb", "/cgi-bin/path_echo/a\\b",
                       "/cgi-bin/path_echo/a%00b",
                       "/cgi-bin/path_echo/a%01b"):
            with self.subTest(target=target):
                st, body = self.get(target)
                self.assertEqual(st, 400)
                self.assertNotIn("path_info=", body)

    def test_no_path_info_L_3875_8_2_a(self):
        """L-3875-8.2-a: /app.cgi/extra is 404 when the program takes no
        PATH_INFO; /app.cgi itself is served."""
        st, body = self.get("/cgi-bin/no_path")
        self.assertEqual((st, body), (200, "<p>no path info: served</p>\n"))
        for target in ("/cgi-bin/no_path/extra", "/cgi-bin/no_path/"):
            with self.subTest(target=target):
                st, body = self.get(target)
                self.assertEqual(st, 404)
                self.assertIn(LIBCGI_404, body)  # the program's page
                self.assertNotIn("served", body)
                self.assertNotIn("extra", body)
        # Control: the same binary that uses PATH_INFO serves /extra, so
        # the 404 above is cgi_no_path_info's answer, not a missing file.
        self.assertEqual(self.echo("/cgi-bin/path_echo/extra"),
                         ("/extra", "ok", ["extra"]))


if __name__ == "__main__":
    unittest.main()
