"""test_cgi_real.py - real CGI programs through the server: git clone and
push through git http-backend (a chunked push body), php-cgi (GET, POST,
multipart upload, header() redirect, http_response_code; needs
REDIRECT_STATUS), and the tutorial's Python script extracted byte-exact
from the seed text."""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "fixtures"))
from cgifix import CgiTest  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
GIT_BACKEND_DIR = "/usr/lib/git-core"
PHP_CGI = shutil.which("php-cgi")
SEED_DIR = os.environ.get("CGIHTTPD_SEED",
                          os.path.join(ROOT, "..", "shared", "seed"))


def git(*args, cwd=None, env=None):
    e = dict(os.environ, GIT_TERMINAL_PROMPT="0", NO_PROXY="*", no_proxy="*",
             GIT_CONFIG_NOSYSTEM="1")
    if env:
        e.update(env)
    return subprocess.run(["git", "-c", "http.proxy=", "-c", "protocol.version=2"] + list(args),
                          cwd=cwd, env=e, capture_output=True, timeout=120)


@unittest.skipUnless(os.path.exists(GIT_BACKEND_DIR + "/git-http-backend"),
                     "git http-backend not installed")
class GitHttpBackendTest(CgiTest):

    def setUp(self):
        super().setUp()
        self.repos = os.path.join(self.tree, "repos")
        os.makedirs(self.repos)
        os.chmod(self.repos, 0o755)
        bare = os.path.join(self.repos, "demo.git")
        self.assertEqual(git("init", "-q", "--bare", bare).returncode, 0)
        git("config", "http.receivepack", "true", cwd=bare)
        # seed it with one commit
        work = tempfile.mkdtemp(prefix="cgihttpd-git-")
        self.addCleanup(shutil.rmtree, work, True)
        git("init", "-q", "-b", "main", work)
        with open(os.path.join(work, "README"), "w") as f:
            f.write("hello over CGI\n")
        for step in (("add", "README"), ("commit", "-q", "-m", "first"),
                     ("push", "-q", bare, "main")):
            r = git(*step, cwd=work)
            self.assertEqual(r.returncode, 0, (step, r.stderr))
        git("symbolic-ref", "HEAD", "refs/heads/main", cwd=bare)
        # the server runs scripts as nobody: the repository must be theirs
        if os.getuid() == 0:
            subprocess.run(["chown", "-R", "nobody:nogroup", self.repos], check=True)
        self.start("--cgi-dir", "/git/=" + GIT_BACKEND_DIR,
                   "--env", "GIT_PROJECT_ROOT=" + self.repos,
                   "--env", "GIT_HTTP_EXPORT_ALL=1")
        self.url = self.srv.url + "/git/git-http-backend/demo.git"

    def test_clone_and_chunked_push(self):
        dest = tempfile.mkdtemp(prefix="cgihttpd-clone-")
        self.addCleanup(shutil.rmtree, dest, True)
        r = git("clone", "-q", self.url, os.path.join(dest, "c"))
        self.assertEqual(r.returncode, 0, r.stderr)
        c = os.path.join(dest, "c")
        with open(os.path.join(c, "README")) as f:
            self.assertEqual(f.read(), "hello over CGI\n")
        # a pack far over http.postBuffer makes git send a chunked body
        with open(os.path.join(c, "blob.bin"), "wb") as f:
            f.write(os.urandom(200 * 1024))
        for step in (("add", "blob.bin"), ("commit", "-q", "-m", "second")):
            r = git(*step, cwd=c)
            self.assertEqual(r.returncode, 0, (step, r.stderr))
        r = git("-c", "http.postBuffer=1024", "push", "origin", "main", cwd=c,
                env={"GIT_TRACE_CURL": "1", "GIT_TRACE_CURL_NO_DATA": "1"})
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        self.assertIn(b"Transfer-Encoding: chunked", r.stderr)
        # a fresh clone sees the pushed commit
        r = git("clone", "-q", self.url, os.path.join(dest, "d"))
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(dest, "d", "blob.bin"), "rb") as f:
            with open(os.path.join(c, "blob.bin"), "rb") as g:
                self.assertEqual(f.read(), g.read())
        self.assertIn("POST /git/git-http-backend/demo.git/git-receive-pack",
                      self.srv.read_log("access"))


PHP_INFO = b"""<?php
header('Content-Type: text/plain');
echo "method=", $_SERVER['REQUEST_METHOD'], "\\n";
echo "get=", isset($_GET['q']) ? $_GET['q'] : '-', "\\n";
echo "post=", isset($_POST['name']) ? $_POST['name'] : '-', "\\n";
if (isset($_FILES['up'])) {
    echo "upload=", $_FILES['up']['name'], " ", $_FILES['up']['size'], " ",
        md5_file($_FILES['up']['tmp_name']), "\\n";
}
"""
PHP_REDIRECT = b"<?php header('Location: /static.txt'); exit;\n"
PHP_CODE = b"<?php http_response_code(201); header('Content-Type: text/plain'); echo \"made\\n\";\n"


@unittest.skipUnless(PHP_CGI, "php-cgi not installed")
class PhpCgiTest(CgiTest):

    extra_files = {"php/info.php": PHP_INFO, "php/redirect.php": PHP_REDIRECT,
                   "php/code.php": PHP_CODE}

    def setUp(self):
        super().setUp()
        self.start("--cgi-ext", ".php=" + PHP_CGI)

    def test_get(self):
        r = self.req("/php/info.php?q=hello")
        self.assertEqual(r.status, 200, r.raw[:400])
        self.assertEqual(r.body, b"method=GET\nget=hello\npost=-\n")

    def test_post_urlencoded(self):
        r = self.req("/php/info.php", method="POST",
                     headers=("Content-Type: application/x-www-form-urlencoded",),
                     body=urllib.parse.urlencode({"name": "Ada L"}).encode())
        self.assertEqual(r.body, b"method=POST\nget=-\npost=Ada L\n")

    def test_multipart_upload(self):
        data = os.urandom(50000)
        b = b"----cgihttpdboundary"
        body = (b"--" + b + b"\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nAda\r\n"
                b"--" + b + b"\r\nContent-Disposition: form-data; name=\"up\"; filename=\"f.bin\"\r\n"
                b"Content-Type: application/octet-stream\r\n\r\n" + data + b"\r\n--" + b + b"--\r\n")
        r = self.req("/php/info.php", method="POST",
                     headers=("Content-Type: multipart/form-data; boundary=" + b.decode(),),
                     body=body)
        self.assertIn(b"post=Ada\n", r.body)
        self.assertIn(("upload=f.bin 50000 %s\n" % hashlib.md5(data).hexdigest()).encode(),
                      r.body)

    def test_header_redirect(self):
        r = self.req("/php/redirect.php")
        self.assertEqual(r.status, 302)
        self.assertEqual(r.get("location"), "/static.txt")

    def test_http_response_code(self):
        r = self.req("/php/code.php")
        self.assertEqual((r.status, r.body), (201, b"made\n"))

    def test_X_REDIRECT_STATUS_needed(self):
        """php-cgi runs here only because REDIRECT_STATUS is set; the same
        file run by hand without it gets php's refusal."""
        env = {"SCRIPT_FILENAME": os.path.join(self.tree, "php/code.php"),
               "REQUEST_METHOD": "GET", "GATEWAY_INTERFACE": "CGI/1.1"}
        out = subprocess.run([PHP_CGI], env=env, capture_output=True, timeout=30).stdout
        self.assertNotIn(b"made", out)


def tutorial_source():
    """The tutorial's code lines from the seed text, byte-exact except that
    its indentation is NO-BREAK SPACE (U+00A0, a web-page artefact that
    Python refuses), which becomes a plain space."""
    if not os.path.isdir(SEED_DIR):
        return None
    for name in sorted(os.listdir(SEED_DIR)):
        if not name.startswith("000_"):
            continue
        with open(os.path.join(SEED_DIR, name), "rb") as f:
            text = f.read()
        start = text.find(b"# Importing the 'cgi' module")
        last = text.find(b"value='Submit' />\")")
        if start < 0 or last < 0:
            return None
        end = text.index(b"\n", last) + 1
        return text[start:end].replace(b"\xc2\xa0", b" ")
    return None


@unittest.skipUnless(tutorial_source() is not None, "seed text not found")
class TutorialPythonTest(CgiTest):

    def setUp(self):
        self.extra_files = {"py/tutorial.py": tutorial_source()}
        super().setUp()
        self.start("--cgi-ext", ".py=/usr/bin/python3")

    def test_get_shows_form(self):
        r = self.req("/py/tutorial.py")
        self.assertEqual(r.status, 200, r.raw[:500])
        self.assertEqual(r.get("content-type"), "text/html")
        self.assertIn(b"<h1> Hello Program! </h1>", r.body)
        self.assertIn(b"<form method='post' action=''>", r.body)
        self.assertNotIn(b"Thanks for using", r.body)

    def test_post_greets(self):
        r = self.req("/py/tutorial.py", method="POST",
                     headers=("Content-Type: application/x-www-form-urlencoded",),
                     body=b"name=Ada&happy=on")
        self.assertEqual(r.status, 200, r.raw[:500])
        self.assertIn(b"<h1>HelloAda! Thanks for using my script!</h1>", r.body)
        self.assertIn(b"Yayy! I'm happy too!", r.body)
        self.assertNotIn(b"Why are you sad", r.body)

    def test_get_query(self):
        r = self.req("/py/tutorial.py?name=Bob&sad=on")
        self.assertIn(b"HelloBob!", r.body)
        self.assertIn(b"Oh no! Why are you sad?", r.body)
