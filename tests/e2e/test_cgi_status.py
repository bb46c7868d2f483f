"""test_cgi_status.py - the script's Status reason phrase (S-6.3.3-b): a
valid phrase (HTAB/SP/VCHAR/obs-text) reaches the client's status line;
without one the standard phrase is used; a control byte in it makes the
whole header block invalid (502, stricter than the checklist's "replace",
checklist section 5 decision 6). The unit side is tests/unit/test_response.c."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures"))
from cgifix import CgiTest  # noqa: E402

# Writes QUERY_STRING's canned Status line (byte-exact) and a body.
STATUS = b"""#!/usr/bin/python3
import os, sys
canned = {
    "custom": b"Status: 404 Not Here",
    "obs": b"Status: 200 Caf\\xc3\\xa9 \\xff ok",
    "tab": b"Status: 503 Busy\\tNow",
    "none": b"Status: 404",
    "space": b"Status: 410 \\t ",
    "odd": b"Status: 299",
    "cr": b"Status: 404 Not\\rHere",
    "esc": b"Status: 404 a\\x1b[31m",
}[os.environ["QUERY_STRING"]]
sys.stdout.buffer.write(canned + b"\\nContent-Type: text/plain\\n\\nbody\\n")
"""


class CgiStatusPhraseTest(CgiTest):
    extra_files = {"cgi-bin/status.cgi": STATUS}

    def setUp(self):
        super().setUp()
        self.start()

    def line(self, name):
        r = self.req("/cgi-bin/status.cgi?" + name)
        return r, r.raw.split(b"\r\n", 1)[0]

    def test_S_6_3_3_b_valid_phrase_forwarded(self):
        r, line = self.line("custom")
        self.assertEqual(line, b"HTTP/1.1 404 Not Here")
        self.assertEqual(r.body, b"body\n")
        self.assertEqual(self.line("obs")[1], b"HTTP/1.1 200 Caf\xc3\xa9 \xff ok")
        self.assertEqual(self.line("tab")[1], b"HTTP/1.1 503 Busy\tNow")

    def test_S_6_3_3_b_no_phrase_standard(self):
        self.assertEqual(self.line("none")[1], b"HTTP/1.1 404 Not Found")
        self.assertEqual(self.line("space")[1], b"HTTP/1.1 410 Gone")
        # a code without a known phrase: still a valid status line
        self.assertEqual(self.line("odd")[1], b"HTTP/1.1 299 Unknown")

    def test_S_6_3_3_b_control_bytes_never_reach_the_client(self):
        for name in ("cr", "esc"):
            r, line = self.line(name)
            self.assertEqual(line, b"HTTP/1.1 502 Bad Gateway", name)
            self.assertNotIn(b"\x1b", r.raw)


if __name__ == "__main__":
    import unittest
    unittest.main()
