"""tests/e2e/test_libcgi_remote_addr.py - L-3875-8.2-e: REMOTE_ADDR may be
a proxy's address, and libcgi never takes a client-supplied forwarding
header for the client: by default cgi_remote_addr is REMOTE_ADDR, the
address the server saw the connection come from, whatever
X-Forwarded-For or Forwarded (RFC 7239) claim. (libcgi has no option that
trusts those headers, so the default is the only behaviour to test.)

The program is tests/tools/remote_echo.c run as CGI under build/cgihttpd;
it also prints HTTP_X_FORWARDED_FOR, which proves the header did reach
the program and was passed over, not lost on the way."""
import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "fixtures"))
import cgitest  # noqa: E402
from cgifix import parse_response  # noqa: E402

TARGET = "/cgi-bin/remote_echo.cgi"
CLAIMED = "203.0.113.9"  # TEST-NET-3 (RFC 5737): never a real peer here


class RemoteAddrTest(unittest.TestCase):
    """remote_echo.cgi under cgihttpd, reached from 127.0.0.1."""

    @classmethod
    def setUpClass(cls):
        cls.tree, cls.srv = cgitest.serve_tool(
            "remote_echo", ["remote_echo.cgi"], "--cgi-dir", "/cgi-bin/=cgi-bin")

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.tree, True)

    def send(self, header_lines):
        """One GET from 127.0.0.1 with these header lines; returns the
        program's output as a dict."""
        lines = ["GET %s HTTP/1.1" % TARGET, "Host: test.local"]
        lines += header_lines + ["Connection: close"]
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin1")
        resp, _ = parse_response(self.srv.raw(raw))
        self.assertEqual(resp.status, 200, resp.raw[:500])
        out = {}
        for line in resp.body.decode("latin1").splitlines():
            k, sep, v = line.partition("=")
            out[k] = v if sep else None
        return out

    def test_L_3875_8_2_e_x_forwarded_for_not_the_client(self):
        """X-Forwarded-For: 203.0.113.9 from 127.0.0.1: the program is
        handed the header, and cgi_remote_addr still says 127.0.0.1."""
        out = self.send(["X-Forwarded-For: " + CLAIMED])
        self.assertEqual(out.get("x_forwarded_for"), CLAIMED)
        self.assertEqual(out.get("remote_addr"), "127.0.0.1")
        self.assertNotIn(CLAIMED, out.get("remote_addr"))

    def test_L_3875_8_2_e_forwarded_chain_not_the_client(self):
        """A chain of forwarders (two X-Forwarded-For lines, joined by
        the server) and an RFC 7239 Forwarded field change nothing."""
        out = self.send(["X-Forwarded-For: " + CLAIMED + ", 198.51.100.7",
                         "Forwarded: for=" + CLAIMED,
                         "X-Forwarded-For: 192.0.2.1"])
        self.assertEqual(out.get("x_forwarded_for"),
                         CLAIMED + ", 198.51.100.7, 192.0.2.1")
        self.assertEqual(out.get("remote_addr"), "127.0.0.1")

    def test_L_3875_8_2_e_without_header(self):
        """Without any forwarding header the answer is the same
        127.0.0.1: the header above had no effect on it."""
        out = self.send([])
        self.assertIn("x_forwarded_for unset", out)
        self.assertEqual(out.get("remote_addr"), "127.0.0.1")


if __name__ == "__main__":
    unittest.main()
