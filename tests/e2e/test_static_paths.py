"""tests/e2e/test_static_paths.py - path safety end to end (checklist V-03,
V-04): no traversal form reveals /etc/passwd or a file beside the docroot,
symlinks out of the root are refused while links inside it work, and a CGI
folder's files are never sent as source. Raw sockets, since curl would
normalise the paths itself."""
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cgitest  # noqa: E402
from test_http_protocol import Wire, request  # noqa: E402

SECRET = b"SECRET-OUTSIDE-THE-ROOT"
SOURCE = b"SCRIPT-SOURCE-MARKER"

# Every form of V-03-a, aimed at /etc/passwd and at ../outside/secret.txt.
VECTORS = [
    "/../../../../../../etc/passwd",
    "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/.%2e/.%2e/.%2e/.%2e/etc/passwd",
    "/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
    "/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/%%32%65%%32%65/%%32%65%%32%65/etc/passwd",
    "/%252e%252e/%252e%252e/%252e%252e/etc/passwd",
    "/..%c0%af..%c0%af..%c0%afetc/passwd",
    "/..%e0%80%af..%e0%80%afetc/passwd",
    "/..\\..\\..\\..\\etc\\passwd",
    "/%5c..%5c..%5c..%5cetc/passwd",
    "/a.txt%00.html",
    "/./../../etc/passwd",
    "//../../../etc/passwd",
    "/sub/../../outside/secret.txt",
    "/../outside/secret.txt",
    "/%2e%2e/outside/secret.txt",
    "/sub/%2e%2e/%2e%2e/outside/secret.txt",
    "/escape/secret.txt",
    "/escapedir/secret.txt",
    "/abslink",
    "/sub/..;/..;/outside/secret.txt",
]


class TraversalTest(unittest.TestCase):
    def setUp(self):
        # base/root is the docroot; base/outside/secret.txt must stay out.
        self.base = tempfile.mkdtemp(prefix="cgihttpd-trav-")
        os.chmod(self.base, 0o755)
        self.addCleanup(shutil.rmtree, self.base, True)
        self.root = os.path.join(self.base, "root")
        cgitest.write_file(self.base, "outside/secret.txt", SECRET)
        cgitest.write_file(self.base, "root/a.txt", b"alpha\n")
        cgitest.write_file(self.base, "root/sub/b.txt", b"bravo\n")
        cgitest.write_file(self.base, "root/cgi-bin/x.sh",
                           b"#!/bin/sh\n# " + SOURCE + b"\necho Content-Type: text/plain\necho\necho ran\n")
        os.symlink(os.path.join(self.base, "outside/secret.txt"),
                   os.path.join(self.root, "escape"))
        os.symlink("../outside", os.path.join(self.root, "escapedir"))
        os.symlink("/etc/passwd", os.path.join(self.root, "abslink"))
        os.symlink("a.txt", os.path.join(self.root, "inlink"))
        os.symlink("sub", os.path.join(self.root, "insub"))
        self.srv = cgitest.Server(self.root)
        self.addCleanup(self.srv.stop)

    def raw_get(self, target):
        w = Wire(self.srv)
        try:
            w.send(b"GET " + target.encode("latin-1") + b" HTTP/1.1\r\nHost: t\r\n\r\n")
            return w.read_response()
        finally:
            w.close()

    def test_no_traversal_vector_leaves_the_root(self):
        """V-03-a/b/c, V-04: each vector gets 400 or 404 and its body holds
        neither /etc/passwd nor the secret beside the root."""
        for v in VECTORS:
            with self.subTest(v):
                r = self.raw_get(v)
                self.assertIn(r.status, (400, 403, 404), v)
                self.assertNotIn(b"root:", r.body)
                self.assertNotIn(SECRET, r.body)

    def test_absolute_form_cannot_climb(self):
        """H-9112-3.2-b with V-03: an absolute-form target is normalised
        like any path."""
        r = self.raw_get("http://t/../../../etc/passwd")
        self.assertIn(r.status, (400, 404))
        self.assertNotIn(b"root:", r.body)
        r = self.raw_get("http://t/a.txt")
        self.assertEqual((r.status, r.body), (200, b"alpha\n"))

    # valgrind 3.19 does not know openat2: the server then walks paths with
    # O_NOFOLLOW and refuses every symlink (docs/notes/server.md).
    @unittest.skipIf("valgrind" in os.environ.get("CGIHTTPD_WRAP", ""),
                     "openat2 fallback (valgrind) follows no symlink")
    def test_symlink_inside_root_is_served(self):
        """V-04-b: a link whose target stays inside the root works, for a
        file and for a folder."""
        self.assertEqual(request(self.srv, "/inlink").body, b"alpha\n")
        self.assertEqual(request(self.srv, "/insub/b.txt").body, b"bravo\n")

    def test_dot_segments_inside_root_still_resolve(self):
        """Dot segments that stay inside the root are removed, not refused."""
        self.assertEqual(self.raw_get("/sub/../a.txt").body, b"alpha\n")
        self.assertEqual(self.raw_get("/sub/./b.txt").body, b"bravo\n")
        self.assertEqual(self.raw_get("//sub//b.txt").body, b"bravo\n")

    def test_cgi_folder_never_served_as_source(self):
        """Files under /cgi-bin/ are never sent as source: whatever the
        status (501 while no CGI handler is built in, 200 once scripts
        run), the script text never appears, whatever the spelling."""
        for target in ("/cgi-bin/x.sh", "//cgi-bin/./x.sh", "/sub/../cgi-bin/x.sh",
                       "/cgi-bin/x.sh/extra", "/cgi-bin/%78.sh", "/cgi-bin/",
                       "/cgi-bin"):
            with self.subTest(target):
                r = self.raw_get(target)
                self.assertNotIn(SOURCE, r.body)
                self.assertNotIn(b"#!/bin/sh", r.body)
                self.assertNotEqual(r.status, 404 if target.endswith("x.sh") else 0)


class CgiDirElsewhereTest(cgitest.ServerTest):
    files = {"cgi-bin/x.sh": b"#!/bin/sh\n# " + SOURCE + b"\n", "a.txt": "a\n"}

    def test_cgi_folder_under_another_prefix_is_not_static(self):
        """--cgi-dir /scripts/=cgi-bin: the folder is still inside the
        docroot, but /cgi-bin/x.sh is refused (403), never its source."""
        srv = self.start("--cgi-dir", "/scripts/=cgi-bin")
        r = request(srv, "/cgi-bin/x.sh")
        self.assertEqual(r.status, 403)
        self.assertNotIn(SOURCE, r.body)
        r = request(srv, "/scripts/x.sh")
        self.assertNotIn(SOURCE, r.body)


if __name__ == "__main__":
    unittest.main()
