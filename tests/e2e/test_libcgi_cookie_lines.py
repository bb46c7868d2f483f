"""tests/e2e/test_libcgi_cookie_lines.py - L-CK-06: a request carrying
several Cookie header lines (what an HTTP/2 front end makes of cookie
crumbs, RFC 9113 8.2.3) reaches a libcgi program through the real
build/cgihttpd as one HTTP_COOKIE joined with "; " (the server side of it
is S-4.1.18-b, put_field in server/cgi_env.c), and libcgi reads every
cookie of every line in arrival order, with cgi_cookie_get giving the
first of a repeated name.

The program is tests/tools/cookie_echo.c; the requests are written on a
raw socket so the separate Cookie lines really go on the wire."""
import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "fixtures"))
import cgitest  # noqa: E402
from cgifix import parse_response  # noqa: E402

TARGET = "/cgi-bin/cookie_echo.cgi"


class CookieLinesTest(unittest.TestCase):
    """cookie_echo.cgi under cgihttpd with /cgi-bin/ as its CGI folder."""

    @classmethod
    def setUpClass(cls):
        cls.tree, cls.srv = cgitest.serve_tool(
            "cookie_echo", ["cookie_echo.cgi"], "--cgi-dir", "/cgi-bin/=cgi-bin")

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.tree, True)

    def send(self, header_lines, query=""):
        """One GET with exactly these header lines on the wire (Host and
        Connection: close added); returns the program's body lines."""
        lines = ["GET %s%s HTTP/1.1" % (TARGET, query), "Host: test.local"]
        lines += header_lines
        lines.append("Connection: close")
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin1")
        want = sum(1 for h in header_lines
                   if h.lower().startswith("cookie:"))
        # The request really carries that many separate Cookie lines.
        self.assertEqual(raw.lower().count(b"\r\ncookie:"), want)
        resp, _ = parse_response(self.srv.raw(raw))
        self.assertEqual(resp.status, 200, resp.raw[:500])
        self.assertEqual(resp.get("content-type"),
                         "text/plain; charset=utf-8")
        return resp.body.decode("latin1").splitlines()

    def test_L_CK_06_two_lines_joined_in_order(self):
        """`Cookie: a=1; b=2` and `Cookie: c=3` (another field between
        them) arrive as HTTP_COOKIE "a=1; b=2; c=3" and as the cookies
        a, b, c in that order."""
        body = self.send(["Cookie: a=1; b=2", "Accept: text/plain",
                          "Cookie: c=3"], "?get=a&get=c")
        self.assertEqual(body, ["env HTTP_COOKIE=a=1; b=2; c=3",
                                "cookie a=1", "cookie b=2", "cookie c=3",
                                "get a=1", "get c=3"])

    def test_L_CK_06_repeated_name_across_lines(self):
        """`Cookie: s=x` then `Cookie: s=y`: both values kept in line
        order, and cgi_cookie_get gives the first (x)."""
        body = self.send(["Cookie: s=x", "Cookie: s=y"], "?get=s")
        self.assertEqual(body, ["env HTTP_COOKIE=s=x; s=y",
                                "cookie s=x", "cookie s=y", "get s=x"])

    def test_L_CK_06_reversed_lines_reverse_order(self):
        """The order comes from the lines, not from the names: the same
        two lines the other way round give y first."""
        body = self.send(["Cookie: s=y", "Cookie: s=x"], "?get=s")
        self.assertEqual(body, ["env HTTP_COOKIE=s=y; s=x",
                                "cookie s=y", "cookie s=x", "get s=y"])

    def test_L_CK_06_field_name_case_insensitive(self):
        """Cookie, cookie and COOKIE lines are one field (RFC 9110 5.1)
        and are joined the same way."""
        body = self.send(["Cookie: a=1", "cookie: b=2", "COOKIE: c=3"],
                         "?get=b")
        self.assertEqual(body, ["env HTTP_COOKIE=a=1; b=2; c=3",
                                "cookie a=1", "cookie b=2", "cookie c=3",
                                "get b=2"])

    def test_L_CK_06_single_line_same_as_split(self):
        """One `Cookie: a=1; b=2; c=3` line still works, and the program
        cannot tell it from the same cookies sent as two lines."""
        one = self.send(["Cookie: a=1; b=2; c=3"], "?get=a&get=c")
        self.assertEqual(one, ["env HTTP_COOKIE=a=1; b=2; c=3",
                               "cookie a=1", "cookie b=2", "cookie c=3",
                               "get a=1", "get c=3"])
        two = self.send(["Cookie: a=1; b=2", "Cookie: c=3"], "?get=a&get=c")
        self.assertEqual(two, one)

    def test_L_CK_06_no_cookie_line(self):
        """Without a Cookie line the program sees no HTTP_COOKIE and no
        cookie (the lines above come from the request, not the tool)."""
        body = self.send(["Accept: text/plain"], "?get=a")
        self.assertEqual(body, ["HTTP_COOKIE unset", "get a missing"])


if __name__ == "__main__":
    unittest.main()
