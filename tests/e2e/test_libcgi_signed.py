"""tests/e2e/test_libcgi_signed.py - signed cookies (lib/cgi_sign.c) through
the real server: tests/tools/signed_cookie run as CGI under build/cgihttpd,
spoken to with http.client. Proves that a cookie the program signed comes
back as its value, and that one the client changed (value, expiry, tag,
name) is reported invalid (L-CK-07, L-3875-9.7); that the helper's
Set-Cookie line carries HttpOnly and SameSite=Lax and, over plain HTTP, no
Secure (L-CK-12); that a doubled cookie is refused. The tag is also
recomputed here with Python's hmac, independently of the C code."""
import base64
import hashlib
import hmac
import http.client
import shutil
import time
import unittest

import cgitest

KEY = b"signed_cookie test key, 32 byte\0"  # the tool's test key
PATH = "/cgi-bin/signed_cookie"


def tag(name, value, expiry):
    mac = hmac.new(KEY, name + b"\0" + value + b"\0" + expiry,
                   hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=")


class SignedCookieTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tree, cls.srv = cgitest.serve_tool("signed_cookie",
                                               ["signed_cookie"])

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.tree, True)

    def fetch(self, target, cookie=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port,
                                          timeout=10)
        try:
            headers = {"Cookie": cookie} if cookie is not None else {}
            conn.request("GET", target, headers=headers)
            resp = conn.getresponse()
            return resp.status, resp.msg, resp.read().decode()
        finally:
            conn.close()

    def set_cookie(self, value, age=0):
        """Asks the tool to set sid=value; returns (name=wire, line)."""
        st, msg, body = self.fetch("%s?set=%s&age=%d" % (PATH, value, age))
        self.assertEqual((st, body), (200, "set\n"))
        lines = msg.get_all("Set-Cookie")
        self.assertEqual(len(lines), 1, lines)
        return lines[0].split(";")[0], lines[0]

    def test_set_line_flags(self):
        """L-CK-12: HttpOnly and SameSite=Lax by default, no Secure over
        plain HTTP; the value is VALUE.EXPIRY.TAG with Python's tag."""
        pair, line = self.set_cookie("alice.1", age=600)
        self.assertIn("; Path=/; Max-Age=600; HttpOnly; SameSite=Lax", line)
        self.assertNotIn("Secure", line)
        name, wire = pair.encode().split(b"=", 1)
        value, expiry, got = wire.rsplit(b".", 2)
        self.assertEqual((name, value), (b"sid", b"alice.1"))
        self.assertLessEqual(abs(int(expiry) - (time.time() + 600)), 5)
        self.assertEqual(got, tag(b"sid", value, expiry))

    def test_round_trip(self):
        """L-CK-07: the cookie sent back unchanged reads as its value."""
        pair, _ = self.set_cookie("alice.1", age=600)
        self.assertEqual(self.fetch(PATH, pair)[2], "ok alice.1\n")
        self.assertEqual(self.fetch(PATH, "a=1; " + pair + "; b=2")[2],
                         "ok alice.1\n")

    def test_tampered(self):
        """L-CK-07, L-3875-9.7: a changed value, expiry or tag, a tag moved
        to another name, a re-signed value under a guessed key: all
        reported invalid by the program."""
        pair, _ = self.set_cookie("alice.1", age=600)
        name, wire = pair.split("=", 1)
        value, expiry, t = wire.rsplit(".", 2)
        bad = {
            "value": "sid=admin.1.%s.%s" % (expiry, t),
            "expiry": "sid=%s.%d.%s" % (value, int(expiry) + 86400, t),
            "no expiry": "sid=%s.0.%s" % (value, t),
            "tag": "sid=%s.%s.%s" % (value, expiry,
                                     ("A" if t[0] != "A" else "B") + t[1:]),
            "unsigned": "sid=admin",
        }
        for what, cookie in bad.items():
            with self.subTest(what=what):
                self.assertEqual(self.fetch(PATH, cookie)[2], "invalid\n")
        st, _, body = self.fetch(PATH + "?name=uid", "uid=" + wire)
        self.assertEqual(body, "invalid\n", "another name's tag")
        guess = bytes([KEY[0] ^ 1]) + KEY[1:]
        forged = b"sid=admin.1.0." + base64.urlsafe_b64encode(
            hmac.new(guess, b"sid\0admin.1\0" + b"0",
                     hashlib.sha256).digest()).rstrip(b"=")
        self.assertEqual(self.fetch(PATH, forged.decode())[2], "invalid\n",
                         "signed under a guessed key")
        expired = str(int(time.time()) - 5).encode()
        cookie = b"sid=alice.1." + expired + b"." + tag(b"sid", b"alice.1",
                                                        expired)
        self.assertEqual(self.fetch(PATH, cookie.decode())[2], "invalid\n",
                         "expired (well signed)")

    def test_missing_and_dup(self):
        """No cookie: missing; two of the name: refused, not guessed."""
        pair, _ = self.set_cookie("alice.1")
        self.assertEqual(self.fetch(PATH)[2], "missing\n")
        self.assertEqual(self.fetch(PATH, pair + "; sid=x")[2], "dup\n")
        self.assertEqual(self.fetch(PATH, pair + "; " + pair)[2], "dup\n")


if __name__ == "__main__":
    unittest.main()
