"""tests/e2e/test_libcgi_greet.py - the greeting program of DESIGN §4
(tests/tools/greet.c, one binary) run as CGI under real servers, as FastCGI
under spawn-fcgi behind nginx and on its own --listen socket, and from a
terminal. Proves the body is the same in every mode, that a <script> name is
escaped in every mode (L-HTML-08, V-19-a), that POST forms and HEAD work,
and that FastCGI requests in one process do not share fields (L-API-12)."""
import http.client
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

import cgitest

GREET = os.path.join(cgitest.BUILD, "tests", "tools", "greet")
PYTHON = "/usr/bin/python3"
XSS = "<script>alert(1)</script>"
XSS_Q = "%3Cscript%3Ealert(1)%3C%2Fscript%3E"
XSS_HTML = "<h1>Hello &lt;script&gt;alert(1)&lt;/script&gt;!</h1>\n"
ADA_HTML = "<h1>Hello Ada Lovelace!</h1>\n"
STRANGER_HTML = "<h1>Hello stranger!</h1>\n"
DEADLINE = 10


def free_port():
    """A port the kernel just handed out (bind port 0, then release)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, proc, timeout=DEADLINE):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("process exited early: %r" % proc.returncode)
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("port %d never opened" % port)


def wait_unix(path, proc, timeout=DEADLINE):
    """Until a unix socket at path accepts connections (the file appears
    at bind(2), before listen(2), so its existence is not enough). The
    probe connection is closed at once; a responder just drops it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("process exited early: %r" % proc.returncode)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return
        except OSError:
            time.sleep(0.05)
        finally:
            s.close()
    raise RuntimeError("%s never accepted" % path)


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
    for f in (proc.stdout, proc.stderr):
        if f:
            f.close()


def fetch(port, method, target, body=None, headers=None):
    """(status, headers dict with lower-case names, body text)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=DEADLINE)
    try:
        c.request(method, target, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, \
            data.decode("utf-8", "replace")
    finally:
        c.close()


def run_terminal(*args, env_extra=None):
    """Runs greet from a terminal; (exit status, header lines, body)."""
    env = {k: v for k, v in os.environ.items() if k != "GATEWAY_INTERFACE"}
    env.update(env_extra or {})
    p = subprocess.run([GREET] + list(args), capture_output=True,
                       timeout=DEADLINE, env=env, stdin=subprocess.DEVNULL)
    out = p.stdout.decode("utf-8", "replace")
    head, sep, body = out.partition("\r\n\r\n")
    return p.returncode, head.split("\r\n"), body if sep else None


def form_post(port, target, fields):
    body = "&".join("%s=%s" % kv for kv in fields)
    return fetch(port, "POST", target, body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded"})


class GreetBase(unittest.TestCase):
    def setUp(self):
        if not os.access(GREET, os.X_OK):
            self.fail("%s not built (make build/tests/tools/greet)" % GREET)
        self.tmp = tempfile.mkdtemp(prefix="libcgi-greet-")
        os.chmod(self.tmp, 0o755)
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def start_python(self):
        cgi_bin = os.path.join(self.tmp, "cgi-bin")
        os.mkdir(cgi_bin)
        os.chmod(cgi_bin, 0o755)
        shutil.copy(GREET, os.path.join(cgi_bin, "greet"))
        os.chmod(os.path.join(cgi_bin, "greet"), 0o755)
        env = {k: v for k, v in os.environ.items() if k != "GATEWAY_INTERFACE"}
        p = subprocess.Popen([PYTHON, "-u", "-m", "http.server", "--cgi",
                              "--bind", "127.0.0.1", "--directory", self.tmp,
                              "0"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env)
        self.addCleanup(stop, p)
        deadline = time.monotonic() + DEADLINE
        out = b""
        while time.monotonic() < deadline:
            r, _, _ = select.select([p.stdout], [], [], 0.2)
            if r:
                chunk = os.read(p.stdout.fileno(), 4096)
                if not chunk:
                    break
                out += chunk
                m = re.search(rb"port (\d+)", out)
                if m:
                    return int(m.group(1))
        self.fail("python http.server did not start: %r" % out)

    def start_nginx(self, sock):
        """nginx on a free loopback port passing to sock ("unix:" is
        added to a path; "127.0.0.1:PORT" is used as is)."""
        port = free_port()
        target = sock if sock.startswith("127.") else "unix:" + sock
        conf = os.path.join(self.tmp, "nginx.conf")
        t = self.tmp
        with open(conf, "w") as f:
            f.write("""daemon off;
master_process off;
pid %(t)s/nginx.pid;
error_log %(t)s/nginx-error.log;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path %(t)s/body;
    fastcgi_temp_path %(t)s/fcgi;
    proxy_temp_path %(t)s/proxy;
    uwsgi_temp_path %(t)s/uwsgi;
    scgi_temp_path %(t)s/scgi;
    server {
        listen 127.0.0.1:%(port)d;
        location / {
            include /etc/nginx/fastcgi_params;
            fastcgi_pass %(target)s;
        }
    }
}
""" % {"t": t, "port": port, "target": target})
        p = subprocess.Popen(["nginx", "-c", conf, "-p", self.tmp],
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
        self.addCleanup(stop, p)
        wait_port(port, p)
        return port

    def spawn_fcgi(self, sock):
        """greet under spawn-fcgi on a unix socket path, or on TCP when
        sock is "127.0.0.1:PORT"."""
        if shutil.which("spawn-fcgi") is None or shutil.which("nginx") is None:
            self.skipTest("spawn-fcgi or nginx missing (make deps)")
        if sock.startswith("127."):
            host, port = sock.split(":")
            where = ["-a", host, "-p", port]
        else:
            where = ["-s", sock]
        # -n: no fork, so the Popen pid is greet itself (spawn-fcgi execs).
        p = subprocess.Popen(["spawn-fcgi", "-n"] + where + ["--", GREET],
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
        self.addCleanup(stop, p)
        if sock.startswith("127."):
            wait_port(int(port), p)
        else:
            wait_unix(sock, p)
        return p

    def check_modes(self, port, prefix):
        """The three bodies of every mode, plus the XSS and POST cases."""
        st, hd, body = fetch(port, "GET", prefix + "?name=Ada+Lovelace")
        self.assertEqual(st, 200)
        self.assertEqual(hd.get("content-type"), "text/html; charset=utf-8")
        self.assertEqual(hd.get("x-content-type-options"), "nosniff")
        self.assertEqual(body, ADA_HTML)
        st, _, body = fetch(port, "GET", prefix + "?name=" + XSS_Q)
        self.assertEqual((st, body), (200, XSS_HTML))
        self.assertNotIn("<script>", body)
        st, _, body = fetch(port, "GET", prefix)
        self.assertEqual((st, body), (200, STRANGER_HTML))
        st, _, body = form_post(port, prefix, [("name", XSS_Q)])
        self.assertEqual((st, body), (200, XSS_HTML))


class TerminalTest(GreetBase):
    """(c) from a terminal: the full CGI response on stdout."""

    def test_terminal_bodies(self):
        rc, head, body = run_terminal("name=Ada Lovelace")
        self.assertEqual(rc, 0)
        self.assertEqual(head[0], "Status: 200 OK")
        self.assertIn("Content-Type: text/html; charset=utf-8", head)
        self.assertEqual(body, ADA_HTML)
        self.assertEqual(run_terminal("name=" + XSS)[2], XSS_HTML)
        self.assertEqual(run_terminal()[2], STRANGER_HTML)
        self.assertEqual(run_terminal("-d", "name=" + XSS_Q)[2], XSS_HTML)

    def test_terminal_data_from_stdin(self):
        """-d @- reads the body from standard input, as curl does."""
        env = {k: v for k, v in os.environ.items() if k != "GATEWAY_INTERFACE"}
        p = subprocess.run([GREET, "-d", "@-"], input=b"name=" + XSS.encode(),
                           capture_output=True, timeout=DEADLINE, env=env)
        self.assertEqual(p.returncode, 0)
        self.assertTrue(p.stdout.endswith(b"\r\n\r\n" + XSS_HTML.encode()))

    def test_terminal_head(self):
        rc, head, body = run_terminal("-X", "HEAD", "name=Ada")
        self.assertEqual((rc, body), (0, ""))
        self.assertEqual(head[0], "Status: 200 OK")


class CgiPythonTest(GreetBase):
    """(a) as CGI under python3 -m http.server --cgi (a real CGI server)."""

    def test_cgi_python(self):
        port = self.start_python()
        self.check_modes(port, "/cgi-bin/greet")


class CgiHttpdTest(GreetBase):
    """(a) as CGI under build/cgihttpd, once the server runs CGI."""

    def test_cgi_cgihttpd(self):
        if not os.access(cgitest.CGIHTTPD, os.X_OK):
            self.skipTest("build/cgihttpd not built")
        tree = cgitest.make_tree({"cgi-bin/greet": open(GREET, "rb").read()})
        self.addCleanup(shutil.rmtree, tree, True)
        os.chmod(os.path.join(tree, "cgi-bin", "greet"), 0o755)
        try:
            srv = cgitest.Server(tree)
        except RuntimeError as e:
            self.skipTest("cgihttpd does not start yet: %s" % e)
        self.addCleanup(srv.stop)
        st, _, body = fetch(srv.port, "GET", "/cgi-bin/greet?name=Ada")
        if st != 200 or "Hello" not in body:
            self.skipTest("cgihttpd does not run CGI yet (status %s)" % st)
        self.check_modes(srv.port, "/cgi-bin/greet")


class FastCgiTest(GreetBase):
    """(b) as FastCGI: spawn-fcgi hands greet a listening fd 0, nginx
    talks to it; and greet --listen on its own unix socket."""

    def test_fastcgi_spawn_fcgi_nginx(self):
        sock = os.path.join(self.tmp, "greet.sock")
        app = self.spawn_fcgi(sock)
        port = self.start_nginx(sock)
        self.check_modes(port, "/greet")
        # L-API-12: one process served all of these; a request without a
        # name after requests with names still greets a stranger.
        st, _, body = fetch(port, "GET", "/greet?name=Ada")
        st, _, body = fetch(port, "GET", "/greet")
        self.assertEqual(body, STRANGER_HTML)
        self.assertIsNone(app.poll(), "greet is resident between requests")
        # L-3875-4.3.3: HEAD through nginx carries no body.
        st, hd, body = fetch(port, "HEAD", "/greet?name=Ada")
        self.assertEqual((st, body), (200, ""))
        self.assertEqual(hd.get("content-type"), "text/html; charset=utf-8")

    def test_fastcgi_spawn_fcgi_tcp(self):
        """spawn-fcgi -a 127.0.0.1 -p PORT: fd 0 is a TCP listener."""
        target = "127.0.0.1:%d" % free_port()
        self.spawn_fcgi(target)
        port = self.start_nginx(target)
        self.check_modes(port, "/greet")

    def test_fastcgi_listen_tcp(self):
        """greet --listen 127.0.0.1:PORT opens its own TCP socket."""
        if shutil.which("nginx") is None:
            self.skipTest("nginx missing (make deps)")
        target = "127.0.0.1:%d" % free_port()
        app = subprocess.Popen([GREET, "--listen", target],
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL)
        self.addCleanup(stop, app)
        wait_port(int(target.split(":")[1]), app)
        port = self.start_nginx(target)
        self.check_modes(port, "/greet")

    def test_fastcgi_listen_option(self):
        if shutil.which("nginx") is None:
            self.skipTest("nginx missing (make deps)")
        sock = os.path.join(self.tmp, "own.sock")
        app = subprocess.Popen([GREET, "--listen", "unix:" + sock],
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL)
        self.addCleanup(stop, app)
        wait_unix(sock, app)
        port = self.start_nginx(sock)
        self.check_modes(port, "/greet")
        # SIGTERM ends cgi_accept's loop: the program exits cleanly.
        app.send_signal(signal.SIGTERM)
        self.assertEqual(app.wait(DEADLINE), 0)


class SameBodyTest(GreetBase):
    """The body is byte-identical in terminal, CGI and FastCGI modes."""

    def test_same_body_everywhere(self):
        want = run_terminal("name=" + XSS)[2]
        self.assertEqual(want, XSS_HTML)
        port = self.start_python()
        self.assertEqual(fetch(port, "GET", "/cgi-bin/greet?name=" + XSS_Q)[2],
                         want)
        sock = os.path.join(self.tmp, "same.sock")
        self.spawn_fcgi(sock)
        nport = self.start_nginx(sock)
        self.assertEqual(fetch(nport, "GET", "/greet?name=" + XSS_Q)[2], want)


class ManExampleTest(unittest.TestCase):
    """man/libcgi.3's EXAMPLES show tests/tools/greet.c itself, so the
    documented program is the one these tests run."""

    def test_man_example_is_greet(self):
        with open(os.path.join(cgitest.ROOT, "tests", "tools", "greet.c")) as f:
            src = f.read()
        code = src[src.index("#include <cgi.h>"):].rstrip("\n")
        with open(os.path.join(cgitest.ROOT, "man", "libcgi.3")) as f:
            man = f.read()
        block = ".Bd -literal -offset indent\n" + code.replace("\\", "\\e")
        self.assertIn(block + "\n.Ed\n", man)


if __name__ == "__main__":
    unittest.main()
