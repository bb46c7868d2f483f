"""tests/e2e/test_static.py - static files from the real server: index.html,
the trailing-slash redirect, MIME types, validators (304 by ETag and by
date), one byte range (206, 416), large files by sendfile, and the escaped
folder listing. Raw sockets and curl."""
import hashlib
import os
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cgitest  # noqa: E402
from test_http_protocol import Wire, request  # noqa: E402

BIG = os.urandom(3 * 1024 * 1024 + 17)
ODD_NAME = "<b>&\"x'.txt"


class StaticTest(cgitest.ServerTest):
    files = {
        "index.html": "<p>home</p>\n",
        "a.txt": "0123456789abcdef\n",
        "style.css": "p{}\n",
        "app.js": "1;\n",
        "pic.png": b"\x89PNG\r\n\x1a\n",
        "data.json": "{}\n",
        "blob.unknownext": "?\n",
        "big.bin": BIG,
        "sub/index.html": "<p>sub</p>\n",
        "empty/.keep": "",
        "list/" + ODD_NAME: "odd\n",
        "list/space name.txt": "s\n",
        "list/folder/x.txt": "x\n",
        "list/.hidden": "h\n",
        ".secret": "dotfile\n",
    }

    def setUp(self):
        super().setUp()
        self.srv = self.start()

    def test_index_html_served_for_root_and_folders(self):
        """GET / and GET /sub/ send the folder's index.html as text/html."""
        r = request(self.srv, "/")
        self.assertEqual((r.status, r.body), (200, b"<p>home</p>\n"))
        self.assertTrue(r.get("content-type").startswith("text/html"))
        self.assertEqual(request(self.srv, "/sub/").body, b"<p>sub</p>\n")

    def test_folder_without_slash_redirects_keeping_query(self):
        """A folder asked without its '/' gets 301 to the same path plus
        '/', with the query string kept."""
        r = request(self.srv, "/sub?x=1&y=%20")
        self.assertEqual(r.status, 301)
        self.assertEqual(r.get("location"), "/sub/?x=1&y=%20")
        r = request(self.srv, "/sub")
        self.assertEqual(r.get("location"), "/sub/")

    def test_folder_without_index_is_403_without_list_dirs(self):
        """No index.html and no --list-dirs: 403, no listing."""
        r = request(self.srv, "/list/")
        self.assertEqual(r.status, 403)
        self.assertNotIn(b"space", r.body)

    def test_mime_types_by_extension(self):
        """Content-Type comes from the extension; unknown ones are
        application/octet-stream (never sniffed)."""
        want = {"/a.txt": "text/plain", "/style.css": "text/css",
                "/pic.png": "image/png", "/data.json": "application/json",
                "/blob.unknownext": "application/octet-stream",
                "/index.html": "text/html"}
        for path, t in want.items():
            with self.subTest(path):
                ct = request(self.srv, path).get("content-type")
                self.assertEqual(ct.split(";")[0], t)
        self.assertIn("javascript", request(self.srv, "/app.js").get("content-type"))

    def test_304_by_etag(self):
        """If-None-Match with the current ETag: 304, same ETag, no body; a
        stale tag gets 200."""
        r = request(self.srv, "/a.txt")
        etag = r.get("etag")
        self.assertRegex(etag, r'^"[^"]+"$')
        r2 = request(self.srv, "/a.txt", headers={"If-None-Match": etag})
        self.assertEqual(r2.status, 304)
        self.assertEqual(r2.get("etag"), etag)
        self.assertEqual(r2.body, b"")
        self.assertEqual(request(self.srv, "/a.txt",
                                 headers={"If-None-Match": '"stale"'}).status, 200)

    def test_304_by_date(self):
        """If-Modified-Since equal to Last-Modified: 304; an older date: 200."""
        lm = request(self.srv, "/a.txt").get("last-modified")
        self.assertIsNotNone(lm)
        self.assertEqual(request(self.srv, "/a.txt",
                                 headers={"If-Modified-Since": lm}).status, 304)
        old = "Sun, 06 Nov 1994 08:49:37 GMT"
        self.assertEqual(request(self.srv, "/a.txt",
                                 headers={"If-Modified-Since": old}).status, 200)

    def test_206_single_range(self):
        """Range: bytes=2-5 gives 206, those four bytes and Content-Range."""
        r = request(self.srv, "/a.txt", headers={"Range": "bytes=2-5"})
        self.assertEqual(r.status, 206)
        self.assertEqual(r.body, b"2345")
        self.assertEqual(r.get("content-range"), "bytes 2-5/17")
        r = request(self.srv, "/a.txt", headers={"Range": "bytes=-3"})
        self.assertEqual((r.status, r.body), (206, b"ef\n"))

    def test_416_unsatisfiable_range(self):
        """A range starting past the end: 416 with Content-Range bytes */17."""
        r = request(self.srv, "/a.txt", headers={"Range": "bytes=100-"})
        self.assertEqual(r.status, 416)
        self.assertEqual(r.get("content-range"), "bytes */17")

    def test_large_file_and_range_of_it(self):
        """A file past the inline size goes by sendfile: every byte arrives,
        and a range deep inside it is exact too."""
        r = request(self.srv, "/big.bin")
        self.assertEqual(r.status, 200)
        self.assertEqual(hashlib.sha256(r.body).digest(), hashlib.sha256(BIG).digest())
        r = request(self.srv, "/big.bin", headers={"Range": "bytes=1000000-2999999"})
        self.assertEqual(r.status, 206)
        self.assertEqual(r.body, BIG[1000000:3000000])

    def test_large_files_pipelined_stay_in_order(self):
        """Two sendfile responses and a small one on one connection arrive
        whole and in order."""
        w = Wire(self.srv, timeout=20)
        w.send(b"GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\nGET /a.txt HTTP/1.1\r\nHost: t\r\n\r\n"
               b"GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n")
        self.assertEqual(w.read_response().body, BIG)
        self.assertEqual(w.read_response().body, b"0123456789abcdef\n")
        self.assertEqual(w.read_response().body, BIG)
        w.close()

    def test_curl_download_matches(self):
        """curl (a real client) gets the big file byte for byte, and a
        range with -r."""
        out = os.path.join(self.tree, "..", "dl-%d" % os.getpid())
        try:
            rc = subprocess.run(["curl", "-sS", "-o", out, "--max-time", "20",
                                 self.srv.url + "/big.bin"], timeout=30).returncode
            self.assertEqual(rc, 0)
            with open(out, "rb") as f:
                self.assertEqual(f.read(), BIG)
        finally:
            if os.path.exists(out):
                os.unlink(out)
        p = subprocess.run(["curl", "-sS", "-r", "0-9", self.srv.url + "/a.txt"],
                           capture_output=True, timeout=30)
        self.assertEqual(p.stdout, b"0123456789")

    def test_cached_small_file_follows_changes_within_a_second(self):
        """Small files are cached per worker for at most a second: a file
        rewritten (new size) is served new within 2.5 s, with a matching
        length and ETag, and a deleted one turns 404 as fast."""
        path = os.path.join(self.tree, "hot.txt")
        cgitest.write_file(self.tree, "hot.txt", "old\n")
        for _ in range(4):  # warm both workers' caches
            self.assertEqual(request(self.srv, "/hot.txt").body, b"old\n")
        old_etag = request(self.srv, "/hot.txt").get("etag")
        cgitest.write_file(self.tree, "hot.txt", "brand new\n")
        deadline = time.monotonic() + 2.5
        while time.monotonic() < deadline:
            r = request(self.srv, "/hot.txt")
            self.assertIn(r.body, (b"old\n", b"brand new\n"))
            if r.body == b"brand new\n":
                break
            time.sleep(0.05)
        self.assertEqual(r.body, b"brand new\n")
        self.assertNotEqual(r.get("etag"), old_etag)
        os.unlink(path)
        deadline = time.monotonic() + 2.5
        while time.monotonic() < deadline:
            r = request(self.srv, "/hot.txt")
            if r.status == 404:
                break
            time.sleep(0.05)
        self.assertEqual(r.status, 404)

    def test_dotfiles_are_hidden(self):
        """Dotfile policy: any '.'-segment is 404 (except /.well-known)."""
        self.assertEqual(request(self.srv, "/.secret").status, 404)
        self.assertEqual(request(self.srv, "/list/.hidden").status, 404)


class ListingTest(cgitest.ServerTest):
    files = StaticTest.files

    def test_listing_escapes_names(self):
        """--list-dirs: the listing shows every visible name, HTML-escaped
        in text and percent-encoded in links; dotfiles are left out."""
        srv = self.start("--list-dirs")
        r = request(srv, "/list/")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.get("content-type").startswith("text/html"))
        body = r.body.decode()
        self.assertIn("&lt;b&gt;&amp;&quot;x&#39;.txt", body)
        self.assertNotIn(ODD_NAME, body)
        self.assertIn('href="%3Cb%3E%26%22x%27.txt"', body)
        self.assertIn('href="space%20name.txt"', body)
        self.assertIn('href="folder/"', body)
        self.assertNotIn("hidden", body)
        # the escaped link really fetches the file
        self.assertEqual(request(srv, "/list/%3Cb%3E%26%22x%27.txt").body, b"odd\n")
        # a folder with index.html still gets the index
        self.assertEqual(request(srv, "/sub/").body, b"<p>sub</p>\n")


if __name__ == "__main__":
    unittest.main()
