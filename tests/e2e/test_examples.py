"""tests/e2e/test_examples.py - the examples site through the real cgihttpd:
the site is staged by scripts/run-examples.sh (EXAMPLES_STAGE_ONLY=1) into a
temporary folder, served with the options make run uses, and driven with
http.client and raw sockets. The SQLite application gets a fresh database in
a temporary state folder for every test."""
import glob
import hashlib
import http.client
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.parse

import cgitest

ROOT = cgitest.ROOT
BUILD = cgitest.BUILD
TOKEN = "0123456789abcdef0123456789abcdef"  # any 32 hex digits do (double submit)


def stage_site():
    """Stages the site into a fresh folder readable by nobody; returns
    (tmp, site, state)."""
    tmp = tempfile.mkdtemp(prefix="cgihttpd-examples-")
    os.chmod(tmp, 0o755)
    site = os.path.join(tmp, "site")
    state = os.path.join(tmp, "state")
    env = dict(os.environ, EXAMPLES_SITE=site, EXAMPLES_STATE=state,
               EXAMPLES_STAGE_ONLY="1")
    try:
        out = subprocess.run(["sh", "scripts/run-examples.sh", BUILD, "0"], cwd=ROOT,
                             env=env, capture_output=True, timeout=60)
        if out.returncode != 0:
            raise RuntimeError("staging failed: %r %r" % (out.stdout, out.stderr))
    except BaseException:
        shutil.rmtree(tmp, True)
        raise
    return tmp, site, state


class ExamplesTest(unittest.TestCase):
    """Each test: a fresh site and state folder, cgihttpd serving them."""

    def setUp(self):
        self.tmp, self.site, self.state = stage_site()
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.db = os.path.join(self.state, "notes.db")
        self.srv = cgitest.Server(self.site, "--cgi-dir", "/cgi-bin/=" + os.path.join(self.site, "cgi-bin"),
                                  "--cgi-ext", ".py=/usr/bin/python3",
                                  "--env", "NOTES_DB=" + self.db)
        self.addCleanup(self.srv.stop)

    def request(self, method, path, body=None, headers=None, timeout=30):
        """One request on its own connection; returns (status, headers, body)."""
        c = http.client.HTTPConnection(self.srv.host, self.srv.port, timeout=timeout)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            return r.status, r.headers, r.read()
        finally:
            c.close()

    def post_form(self, path, fields, token=TOKEN, cookie_token=TOKEN):
        body = urllib.parse.urlencode(fields)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if token is not None:
            body += "&csrf=" + token
        if cookie_token is not None:
            headers["Cookie"] = "notes_csrf=" + cookie_token
        return self.request("POST", path, body, headers)

    def stored(self):
        """Every (author, body) row in the database, read-only."""
        con = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True, timeout=10)
        try:
            return con.execute("SELECT author, body FROM notes ORDER BY id").fetchall()
        finally:
            con.close()

    # ---- the SQLite application ----

    def test_notes_20_concurrent_adds_each_stored_once(self):
        """20 clients add a note each at the same moment on a fresh database
        (so they also race to create it and switch it to WAL), while 10 more
        read the list: every add gets 303 and every read 200, none a 5xx,
        and each note is stored exactly once."""
        n, readers = 20, 10
        results = [None] * (n + readers)
        barrier = threading.Barrier(n + readers)

        def client(i):
            barrier.wait(timeout=30)
            try:
                if i < n:
                    results[i] = self.post_form("/cgi-bin/notes", {
                        "action": "add", "author": "client %d" % i,
                        "body": "concurrent note %d" % i})
                else:
                    results[i] = self.request("GET", "/cgi-bin/notes?q=concurrent")
            except Exception as e:  # recorded, asserted below
                results[i] = e

        threads = [threading.Thread(target=client, args=(i,)) for i in range(n + readers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(90)
        for i, res in enumerate(results):
            self.assertIsInstance(res, tuple, "client %d: %r" % (i, res))
            status, headers, body = res
            self.assertLess(status, 500, "client %d: %d %r" % (i, status, body[:200]))
            if i >= n:
                self.assertEqual(status, 200, "reader %d" % i)
                continue
            self.assertEqual(status, 303, "client %d: %r" % (i, body[:200]))
            self.assertRegex(headers["Location"], r"^/cgi-bin/notes\?added=\d+$")
        rows = self.stored()
        self.assertEqual(sorted(rows), sorted(("client %d" % i, "concurrent note %d" % i)
                                              for i in range(n)))
        # And the application lists all of them.
        status, _, body = self.request("GET", "/cgi-bin/notes?per=50")
        self.assertEqual(status, 200)
        for i in range(n):
            self.assertEqual(body.count(b">concurrent note %d<" % i), 1, i)
        with open(self.db, "rb") as f:
            head = f.read(20)
        self.assertEqual(head[:16], b"SQLite format 3\0")
        # Header bytes 18 and 19 (file format versions) are 2 in WAL mode.
        self.assertEqual(head[18:20], b"\x02\x02", "the database runs in WAL mode")

    def test_notes_post_redirect_get(self):
        """An added note answers 303 See Other to the list (so a reload does
        not post again), and the list then shows it, escaped."""
        status, headers, _ = self.post_form("/cgi-bin/notes", {
            "action": "add", "author": "Ada", "body": "<i>hi</i> & bye"})
        self.assertEqual(status, 303)
        loc = headers["Location"]
        m = re.match(r"^/cgi-bin/notes\?added=(\d+)$", loc)
        self.assertIsNotNone(m, loc)
        status, _, body = self.request("GET", loc)
        self.assertEqual(status, 200)
        self.assertIn(b"Note #%s added." % m.group(1).encode(), body)
        self.assertIn(b"&lt;i&gt;hi&lt;/i&gt; &amp; bye", body)
        self.assertNotIn(b"<i>hi</i>", body)

    def test_notes_csrf_token_required(self):
        """A POST without the token, with only one half of it, or with two
        halves that differ is refused with 403 and stores nothing; a GET sets
        the token cookie HttpOnly and SameSite=Strict."""
        add = {"action": "add", "author": "Mallory", "body": "forged"}
        other = "f" * 32
        for token, cookie in ((None, None), (TOKEN, None), (None, TOKEN),
                              (TOKEN, other), ("0123", "0123"), (TOKEN.upper(), TOKEN.upper())):
            status, _, body = self.post_form("/cgi-bin/notes", add, token, cookie)
            self.assertEqual(status, 403, (token, cookie, body[:200]))
        self.assertEqual(self.stored(), [])
        status, headers, body = self.request("GET", "/cgi-bin/notes")
        self.assertEqual(status, 200)
        cookie = headers["Set-Cookie"]
        m = re.match(r"notes_csrf=([0-9a-f]{32});", cookie)
        self.assertIsNotNone(m, cookie)
        self.assertIn("HttpOnly", cookie)
        self.assertIn("SameSite=Strict", cookie)
        self.assertIn(b'name="csrf" value="%s"' % m.group(1).encode(), body)

    def test_notes_validation(self):
        """Missing, blank, too long, control bytes and invalid UTF-8 are each
        refused with 422 and an error next to the field; nothing is stored."""
        cases = [
            ({"author": "", "body": "x"}, b'id="author-err">Please fill this in.'),
            ({"author": "Ada", "body": " \r\n\t"}, b'id="body-err">Please fill this in.'),
            ({"author": "A" * 61, "body": "x"}, b'id="author-err">This is too long'),
            ({"author": "Ada", "body": "x" * 1001}, b'id="body-err">This is too long'),
            ({"author": "A\x01da", "body": "x"}, b'id="author-err">This holds bytes'),
            ({"author": "Ada"}, b'id="body-err">Please fill this in.'),
        ]
        for fields, want in cases:
            fields = dict(fields, action="add")
            status, _, body = self.post_form("/cgi-bin/notes", fields)
            self.assertEqual(status, 422, fields)
            self.assertIn(want, body, fields)
        body = "action=add&author=Ada&body=%FF%FE&csrf=" + TOKEN
        status, _, out = self.request("POST", "/cgi-bin/notes", body, {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "notes_csrf=" + TOKEN})
        self.assertEqual(status, 422)
        self.assertIn(b'id="body-err">This holds bytes', out)
        # The boundary itself is accepted: 60 and 1000 bytes.
        status, _, _ = self.post_form("/cgi-bin/notes", {
            "action": "add", "author": "A" * 60, "body": "b" * 1000})
        self.assertEqual(status, 303)
        self.assertEqual(len(self.stored()), 1)

    def test_notes_sql_is_data(self):
        """Quotes and SQL in a note are stored and searched as text
        (prepared statements), and % and _ in a search match themselves."""
        evil = "'); DROP TABLE notes; --"
        for body in (evil, "100% sure", "1000 sure", "a_b", "axb"):
            status, _, _ = self.post_form("/cgi-bin/notes", {
                "action": "add", "author": "Bobby", "body": body})
            self.assertEqual(status, 303, body)
        self.assertEqual(len(self.stored()), 5)
        for q, want in ((evil, 1), ("100%", 1), ("%", 1), ("_", 1), ("sure", 2), ("zzz", 0)):
            status, _, out = self.request("GET", "/cgi-bin/notes?" + urllib.parse.urlencode({"q": q}))
            self.assertEqual(status, 200, q)
            self.assertEqual(out.count(b'class="note-body"'), want, q)

    def test_notes_delete_and_paging(self):
        """Deleting removes exactly that note (a second delete says it is
        gone); pages of 2 over the 4 left hold 2 and 2; a page past the end
        shows the last page; a bad page or page size is a 400."""
        for i in range(5):
            self.post_form("/cgi-bin/notes", {"action": "add", "author": "A", "body": "n%d" % i})
        status, headers, _ = self.post_form("/cgi-bin/notes", {"action": "delete", "id": "2"})
        self.assertEqual(status, 303)
        self.assertIn("deleted=2", headers["Location"])
        status, headers, _ = self.post_form("/cgi-bin/notes", {"action": "delete", "id": "2"})
        self.assertEqual(status, 303)
        self.assertIn("gone=2", headers["Location"])
        self.assertEqual([b for _, b in self.stored()], ["n0", "n2", "n3", "n4"])
        counts = []
        for page in (1, 2):
            status, _, out = self.request("GET", "/cgi-bin/notes?per=2&page=%d" % page)
            self.assertEqual(status, 200)
            counts.append(out.count(b'class="note-body"'))
        self.assertEqual(counts, [2, 2])
        status, _, out = self.request("GET", "/cgi-bin/notes?per=2&page=99")
        self.assertEqual(status, 200)
        self.assertIn(b"page 2 of 2", out)
        for bad in ("page=0", "page=x", "per=51", "per=0", "page=1&page=2"):
            status, _, _ = self.request("GET", "/cgi-bin/notes?" + bad)
            self.assertEqual(status, 400, bad)

    def test_notes_json(self):
        """?format=json gives the same page of the list as JSON (libcgi's
        writer): totals and pages, notes newest first, text intact, and
        < > & escaped so the text cannot close a <script>; an unknown
        format is a 400."""
        import json
        for body in ("one", "</script><b>two</b> & more", "three"):
            self.post_form("/cgi-bin/notes", {"action": "add", "author": "Ada", "body": body})
        status, headers, out = self.request("GET", "/cgi-bin/notes?format=json&per=2")
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("application/json"), headers["Content-Type"])
        self.assertNotIn(b"</script>", out)
        data = json.loads(out)
        self.assertEqual((data["total"], data["page"], data["pages"], data["per"]), (3, 1, 2, 2))
        self.assertEqual([n["body"] for n in data["notes"]], ["three", "</script><b>two</b> & more"])
        self.assertEqual(data["notes"][0]["author"], "Ada")
        self.assertLess(abs(data["notes"][0]["created"] - time.time()), 3600)
        status, _, out = self.request("GET", "/cgi-bin/notes?format=json&q=two")
        self.assertEqual([n["body"] for n in json.loads(out)["notes"]], ["</script><b>two</b> & more"])
        status, _, _ = self.request("GET", "/cgi-bin/notes?format=xml")
        self.assertEqual(status, 400)

    def test_other_methods_refused(self):
        """Each program answers a method it does not serve with 405 and an
        Allow header naming the ones it does, and HEAD like GET without a
        body; each page forbids scripts (Content-Security-Policy)."""
        for path, allow in (("/cgi-bin/greet", "POST"), ("/cgi-bin/notes", "POST"),
                            ("/cgi-bin/upload", "POST"), ("/cgi-bin/stream", "GET")):
            status, headers, _ = self.request("PUT", path, "x", {"Content-Type": "text/plain"})
            self.assertEqual(status, 405, path)
            self.assertIn("GET", headers["Allow"], path)
            self.assertIn(allow, headers["Allow"], path)
            status, headers, body = self.request("HEAD", path + "?lines=1&delay_ms=0")
            self.assertEqual(status, 200, path)
            self.assertEqual(body, b"", path)
            self.assertTrue(headers["Content-Type"].startswith("text/html"), path)
            # Defence in depth: no script may run on these pages at all.
            csp = headers["Content-Security-Policy"] or ""
            self.assertIn("default-src 'none'", csp, path)
            self.assertNotIn("script-src", csp, path)

    # ---- the greeting forms ----

    def test_greet_escapes_get_and_post(self):
        """The C greeting prints the tutorial's messages over GET and POST,
        with the name escaped: no markup of the visitor's reaches the page."""
        name = "<script>alert(1)</script>"
        q = urllib.parse.urlencode({"name": name, "happy": "on"})
        status, headers, body = self.request("GET", "/cgi-bin/greet?" + q)
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/html"))
        self.assertIn(b"Hello &lt;script&gt;alert(1)&lt;/script&gt;! Thanks for using my script!", body)
        self.assertIn(b"Yayy! I'm happy too!", body)
        self.assertNotIn(b"<script>", body)
        status, _, body = self.request("POST", "/cgi-bin/greet", urllib.parse.urlencode(
            {"name": "Ada", "sad": "on"}), {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 200)
        self.assertIn(b"Hello Ada! Thanks for using my script!", body)
        self.assertIn(b"Oh no! Why are you sad?", body)
        self.assertNotIn(b"happy too", body)

    def test_tutorial_py_runs_unchanged(self):
        """tutorial.py is the tutorial's script (compared with the seed when
        ../shared is beside the clone; its U+00A0 indentation became spaces,
        the only change), runs through --cgi-ext .py=/usr/bin/python3 with no
        #! line, and echoes the name raw: the hole the lesson page shows."""
        with open(os.path.join(ROOT, "examples", "cgi-bin", "tutorial.py"), "rb") as f:
            script = f.read()
        self.assertFalse(script.startswith(b"#!"))
        seeds = glob.glob(os.path.join(ROOT, "..", "shared", "seed", "000_*.txt"))
        if seeds:
            with open(seeds[0], "rb") as f:
                text = f.read().replace("\u00a0".encode(), b" ")
            start = text.index(b"# Importing the 'cgi' module")
            end = text.index(b"value='Submit' />\")", start) + len(b"value='Submit' />\")\n")
            self.assertEqual(script, text[start:end])
        status, _, body = self.request("POST", "/python/tutorial.py", "name=%3Cem%3EAda%3C%2Fem%3E&happy=on",
                                       {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 200, body[:300])
        self.assertIn(b"<h1> Hello Program! </h1>", body)
        self.assertIn(b"<h1>Hello<em>Ada</em>! Thanks for using my script!</h1>", body)
        self.assertIn(b"<p> Yayy! I'm happy too! </p>", body)

    # ---- upload and streaming ----

    def multipart(self, filename, data):
        boundary = "----cgihttpd-test-%s" % os.urandom(8).hex()
        body = (("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
                 "Content-Type: application/octet-stream\r\n\r\n") % (boundary, filename)).encode()
        body += data + ("\r\n--%s--\r\n" % boundary).encode()
        return self.request("POST", "/cgi-bin/upload", body, {
            "Content-Type": "multipart/form-data; boundary=" + boundary})

    def test_upload_reports_sha256(self):
        """Uploads of 0 bytes, a few bytes and 2 MiB (past the spill
        threshold, so from a temp file) report the name, size and the
        SHA-256 that hashlib computes; a path in the name is stripped."""
        for name, data in (("empty.txt", b""), ("../../etc/passwd", b"abc"),
                           ("big.bin", os.urandom(2 * 1024 * 1024 + 3))):
            status, _, body = self.multipart(name, data)
            self.assertEqual(status, 200, (name, body[:300]))
            self.assertIn(b'<span id="size">%d</span>' % len(data), body)
            self.assertIn(b'<code id="sha256">%s</code>' % hashlib.sha256(data).hexdigest().encode(), body)
        body = self.multipart("../../etc/passwd", b"x")[2]
        self.assertIn(b'<dd id="name">passwd</dd>', body)
        self.assertIn(b'<dd id="raw-name">../../etc/passwd</dd>', body)
        status, _, body = self.request("POST", "/cgi-bin/upload", "a=b",
                                       {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 400)

    def test_stream_arrives_progressively(self):
        """The streaming page's first line reaches the client well before
        its last: the program's cgi_flush goes through the server at once."""
        lines, delay = 4, 500
        s = self.srv.connect(timeout=20)
        try:
            s.sendall(b"GET /cgi-bin/stream?lines=%d&delay_ms=%d HTTP/1.1\r\nHost: x\r\n"
                      b"Connection: close\r\n\r\n" % (lines, delay))
            t0 = time.monotonic()
            data = b""
            t_first = t_last = None
            deadline = t0 + 20
            while time.monotonic() < deadline:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
                now = time.monotonic()
                if t_first is None and b'id="line-1"' in data:
                    t_first = now
                    done_with_first = b'id="done"' in data
                if t_last is None and b'id="done"' in data:
                    t_last = now
        finally:
            s.close()
        self.assertTrue(data.startswith(b"HTTP/1.1 200"), data[:100])
        self.assertIsNotNone(t_first, data[-300:])
        self.assertIsNotNone(t_last, data[-300:])
        self.assertFalse(done_with_first, "the end came with the first line")
        # The program sleeps (lines - 1) * delay between them; allow for a
        # loaded machine delaying our reads.
        self.assertGreater(t_last - t_first, (lines - 1) * delay / 1000 * 0.5)


class RunExamplesTest(unittest.TestCase):
    """scripts/run-examples.sh, as make run uses it."""

    def test_run_examples_serves_and_stops_on_sigint(self):
        """The script serves the site (front page and a C program), makes
        the state folder only the scripts' user may enter, and Ctrl-C
        (SIGINT to the process it became) stops the server cleanly."""
        tmp = tempfile.mkdtemp(prefix="cgihttpd-run-")
        self.addCleanup(shutil.rmtree, tmp, True)
        os.chmod(tmp, 0o755)
        state = os.path.join(tmp, "state")
        env = dict(os.environ, EXAMPLES_SITE=os.path.join(tmp, "site"), EXAMPLES_STATE=state)
        proc = subprocess.Popen(["sh", "scripts/run-examples.sh", BUILD, "0",
                                 "--access-log", "off"], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.addCleanup(lambda: proc.poll() is None and (proc.kill(), proc.wait(5)))
        out = b""
        deadline = time.monotonic() + 15
        m = None
        while m is None and time.monotonic() < deadline and proc.poll() is None:
            line = proc.stdout.readline()
            out += line
            m = cgitest.LISTEN_RE.search(out)
        self.assertIsNotNone(m, out + proc.stderr.read() if proc.poll() is not None else out)
        port = int(m.group(2))
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("GET", "/")
        r = c.getresponse()
        self.assertEqual(r.status, 200)
        self.assertIn(b"What is CGI?", r.read())
        c.request("GET", "/cgi-bin/greet?name=Ada")
        r = c.getresponse()
        self.assertEqual(r.status, 200)
        self.assertIn(b"Hello Ada!", r.read())
        c.close()
        st = os.stat(state)
        self.assertEqual(st.st_mode & 0o777, 0o700)
        if os.getuid() == 0:
            import pwd
            self.assertEqual(st.st_uid, pwd.getpwnam("nobody").pw_uid)
        proc.send_signal(signal.SIGINT)
        self.assertEqual(proc.wait(10), 0)
        proc.stdout.close()
        proc.stderr.close()


if __name__ == "__main__":
    unittest.main()
