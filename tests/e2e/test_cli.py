"""tests/e2e/test_cli.py - the command line of DESIGN 3 and the
configuration file: bad values exit 2 with one line naming the option, -V,
-h, a file gives the same settings as the options, and the "listening on"
line carries the real port for each address."""
import os
import re
import socket
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cgitest  # noqa: E402
from test_http_protocol import request  # noqa: E402

BAD = [
    ("--port", "70000"),
    ("-p", "http"),
    ("--workers", "0"),
    ("-w", "-1"),
    ("--max-body", "12q"),
    ("--max-head", "99999999"),
    ("--max-fields", "0"),
    ("--max-request-line", "1"),
    ("--header-timeout", "-1"),
    ("--body-timeout", "soon"),
    ("--keepalive-timeout", ""),
    ("--write-timeout", "0"),
    ("--cgi-dir", "no-equals-sign"),
    ("--cgi-ext", "=/usr/bin/php"),
    ("--env", "1BAD=x"),
    ("--cgi-timeout", "x"),
    ("--cgi-idle-timeout", "0"),
    ("--max-cgi", "0"),
    ("--max-conns-per-ip", "-3"),
    ("--access-log", ""),
    ("--bind", "not-an-address"),
    ("-b", "300.1.1.1"),
]


def run(args, timeout=10, cwd=None):
    return subprocess.run([cgitest.CGIHTTPD] + args, capture_output=True,
                          timeout=timeout, cwd=cwd)


class CliTest(unittest.TestCase):
    def test_bad_values_exit_2_naming_the_option(self):
        """Each bad value: exit status 2, nothing on stdout, one stderr line
        that names the option."""
        tree = cgitest.make_tree({"a.txt": "a"})
        try:
            for opt, val in BAD:
                with self.subTest(opt=opt, val=val):
                    p = run([opt, val, tree])
                    self.assertEqual(p.returncode, 2, p.stderr)
                    self.assertEqual(p.stdout, b"")
                    lines = p.stderr.decode().strip().split("\n")
                    self.assertEqual(len(lines), 1, lines)
                    long = opt if opt.startswith("--") else {
                        "-p": "--port", "-w": "--workers", "-b": "--bind"}[opt]
                    self.assertIn(long, lines[0])
        finally:
            subprocess.run(["rm", "-rf", tree])

    def test_unknown_option_and_missing_value(self):
        """An unknown option or a missing value also exits 2 with one line."""
        p = run(["--no-such-thing"])
        self.assertEqual(p.returncode, 2)
        self.assertIn("--no-such-thing", p.stderr.decode())
        p = run(["--port"])
        self.assertEqual(p.returncode, 2)
        self.assertIn("--port", p.stderr.decode())

    def test_missing_docroot(self):
        """A DOCROOT that does not exist is refused before binding (2)."""
        p = run(["/nonexistent/cgihttpd-root"])
        self.assertEqual(p.returncode, 2)
        self.assertIn("docroot", p.stderr.decode())

    def test_version(self):
        """-V and --version print "cgihttpd VERSION" and exit 0."""
        for flag in ("-V", "--version"):
            p = run([flag])
            self.assertEqual(p.returncode, 0)
            self.assertRegex(p.stdout.decode(), r"^cgihttpd \d+\.\d+\.\d+\n$")

    def test_help_lists_every_option(self):
        """-h prints a usage that names each option of DESIGN 3; exit 0."""
        p = run(["-h"])
        self.assertEqual(p.returncode, 0)
        out = p.stdout.decode()
        self.assertTrue(out.startswith("usage: cgihttpd"))
        for opt in ("--bind", "--port", "--workers", "--access-log", "--error-log",
                    "--config", "--user", "--help", "--version", "--list-dirs",
                    "--max-request-line", "--max-head", "--max-fields", "--max-body",
                    "--header-timeout", "--body-timeout", "--keepalive-timeout",
                    "--write-timeout", "--cgi-dir", "--cgi-ext", "--env",
                    "--pass-env", "--pass-auth", "--cgi-timeout",
                    "--cgi-idle-timeout", "--max-cgi", "--max-conns-per-ip"):
            self.assertIn(opt, out)

    def test_listening_line_per_address_with_real_port(self):
        """-p 0: exactly one "cgihttpd: listening on http://ADDR:PORT/" line
        per -b address, with a real port that answers."""
        tree = cgitest.make_tree({"a.txt": "a\n"})
        binds = []  # Server itself passes -b 127.0.0.1 first
        v6 = socket.has_ipv6
        if v6:
            try:
                s = socket.socket(socket.AF_INET6)
                s.bind(("::1", 0))
                s.close()
            except OSError:
                v6 = False
        if v6:
            binds += ["-b", "::1"]
        srv = cgitest.Server(tree, *binds)
        try:
            # Server already consumed the first line; read the rest.
            out = srv.early_output.decode()
            want = 2 if v6 else 1
            import select
            import time
            deadline = time.monotonic() + 5
            while out.count("\n") < want and time.monotonic() < deadline:
                r, _, _ = select.select([srv.proc.stdout], [], [], 0.2)
                if r:
                    out += os.read(srv.proc.stdout.fileno(), 4096).decode()
            lines = out.strip().split("\n")
            self.assertEqual(len(lines), want, lines)
            self.assertRegex(lines[0], r"^cgihttpd: listening on http://127\.0\.0\.1:\d+/$")
            port = int(re.search(r":(\d+)/$", lines[0]).group(1))
            self.assertNotEqual(port, 0)
            if v6:
                self.assertRegex(lines[1], r"^cgihttpd: listening on http://\[::1\]:\d+/$")
                port6 = int(re.search(r":(\d+)/$", lines[1]).group(1))
                c = socket.create_connection(("::1", port6), timeout=5)
                c.sendall(b"GET /a.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                data = b""
                while True:
                    chunk = c.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                c.close()
                self.assertTrue(data.startswith(b"HTTP/1.1 200"), data[:40])
        finally:
            srv.stop()
            subprocess.run(["rm", "-rf", tree])

    def test_busy_port_is_refused_not_shared(self):
        """A second server on a port already served exits 1 with "bind"
        instead of joining the first one's SO_REUSEPORT group."""
        tree = cgitest.make_tree({"a.txt": "a\n"})
        first = cgitest.Server(tree)
        try:
            p = run(["-b", "127.0.0.1", "-p", str(first.port), tree])
            self.assertEqual(p.returncode, 1)
            self.assertIn(b"bind 127.0.0.1 port %d" % first.port, p.stderr)
            self.assertEqual(request(first, "/a.txt").body, b"a\n")
        finally:
            first.stop()
            subprocess.run(["rm", "-rf", tree])

    def test_config_file_equals_options(self):
        """-c FILE with "name value" lines and comments gives the same
        behaviour as the long options: here list-dirs and max-body."""
        tree = cgitest.make_tree({"d/one.txt": "1", "a.txt": "a"})
        conf = tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False)
        conf.write("# settings\nlist-dirs\nmax-body 10   # tiny\n\nworkers 1\n")
        conf.close()
        try:
            by_file = cgitest.Server(tree, "-c", conf.name)
            by_opts = cgitest.Server(tree, "--list-dirs", "--max-body", "10", "-w", "1")
            try:
                for srv in (by_file, by_opts):
                    r = request(srv, "/d/")
                    self.assertEqual(r.status, 200)
                    self.assertIn(b"one.txt", r.body)
                    r = request(srv, "/a.txt", method="POST",
                                headers={"Content-Length": "11"}, body=b"x" * 11)
                    self.assertEqual(r.status, 413)
                a = request(by_file, "/d/").body
                b = request(by_opts, "/d/").body
                self.assertEqual(a, b)
            finally:
                by_file.stop()
                by_opts.stop()
        finally:
            os.unlink(conf.name)
            subprocess.run(["rm", "-rf", tree])

    def test_config_file_errors_name_file_line_and_directive(self):
        """A bad directive in a file exits 2 with FILE:LINE and its name."""
        conf = tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False)
        conf.write("list-dirs\nport banana\n")
        conf.close()
        try:
            p = run(["-c", conf.name])
            self.assertEqual(p.returncode, 2)
            err = p.stderr.decode()
            self.assertIn("%s:2" % conf.name, err)
            self.assertIn("port", err)
        finally:
            os.unlink(conf.name)

    def test_docroot_defaults_to_current_directory(self):
        """Without DOCROOT the current directory is served."""
        tree = cgitest.make_tree({"here.txt": "here\n"})
        try:
            old = os.getcwd()
            os.chdir(tree)
            try:
                srv = cgitest.Server(None)
            finally:
                os.chdir(old)
            try:
                self.assertEqual(request(srv, "/here.txt").body, b"here\n")
            finally:
                srv.stop()
        finally:
            subprocess.run(["rm", "-rf", tree])


if __name__ == "__main__":
    unittest.main()
