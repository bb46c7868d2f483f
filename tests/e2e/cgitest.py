"""tests/e2e/cgitest.py - shared parts of the black-box tests: start the real
build/cgihttpd on 127.0.0.1 port 0, read the port back from its
"cgihttpd: listening on http://ADDR:PORT/" line, make temporary trees that
the unprivileged user (nobody) can read, send raw bytes, stop by PID."""
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

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, os.environ.get("CGIHTTPD_BUILD", "build"))
CGIHTTPD = os.path.join(BUILD, "cgihttpd")
LISTEN_RE = re.compile(rb"cgihttpd: listening on http://(\S+?):(\d+)/")


def make_tree(files=None, mode=0o755):
    """A temporary folder the server's user can read (mkdtemp makes 0700).
    files maps relative paths to bytes/str; names ending in .cgi, .sh or
    starting with nph- are made executable. Returns the folder's path."""
    d = tempfile.mkdtemp(prefix="cgihttpd-test-")
    os.chmod(d, mode)
    for rel, data in (files or {}).items():
        write_file(d, rel, data)
    return d


def write_file(root, rel, data, executable=None):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    parent = os.path.dirname(path)
    while parent.startswith(root) and parent != root:
        os.chmod(parent, 0o755)
        parent = os.path.dirname(parent)
    if isinstance(data, str):
        data = data.encode()
    with open(path, "wb") as f:
        f.write(data)
    base = os.path.basename(rel)
    if executable is None:
        executable = base.endswith((".cgi", ".sh")) or base.startswith("nph-")
    os.chmod(path, 0o755 if executable else 0o644)
    return path


def tool_bytes(name):
    """The test program build/tests/tools/NAME (a libcgi program that
    prints what it was given), read for copying into a docroot. Fails,
    naming the make target, when it is not built."""
    path = os.path.join(BUILD, "tests", "tools", name)
    if not os.access(path, os.X_OK):
        raise AssertionError("%s not built (make %s)"
                             % (path, os.path.relpath(path, ROOT)))
    with open(path, "rb") as f:
        return f.read()


def add_tool(tree, name, *cgi_names):
    """Copies the test program NAME into tree/cgi-bin/ under each of
    cgi_names, executable."""
    prog = tool_bytes(name)
    for cgi_name in cgi_names:
        write_file(tree, "cgi-bin/" + cgi_name, prog, executable=True)


def serve_tool(name, cgi_names, *args):
    """A fresh docroot holding the test program NAME in cgi-bin/ under
    each of cgi_names, and a Server on it started with args: (tree,
    server), for a test class's setUpClass. The tree is removed again if
    the server does not start."""
    tree = make_tree()
    try:
        add_tool(tree, name, *cgi_names)
        return tree, Server(tree, *args)
    except BaseException:
        shutil.rmtree(tree, True)
        raise


class Server:
    """A running cgihttpd. Use as a context manager or call stop()."""

    def __init__(self, docroot, *args, env=None, timeout=None, wait=True):
        if timeout is None:
            # A wrapped server (valgrind) starts far more slowly.
            timeout = 60 if os.environ.get("CGIHTTPD_WRAP") else 10
        self.docroot = docroot
        self.logdir = tempfile.mkdtemp(prefix="cgihttpd-log-")
        os.chmod(self.logdir, 0o777)
        self.error_log = os.path.join(self.logdir, "error.log")
        self.access_log = os.path.join(self.logdir, "access.log")
        wrap = os.environ.get("CGIHTTPD_WRAP", "").split()
        argv = wrap + [CGIHTTPD, "-b", "127.0.0.1", "-p", "0",
                "--error-log", self.error_log,
                "--access-log", self.access_log]
        argv += list(args)
        if docroot is not None:
            argv.append(docroot)
        self.argv = argv
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE,
                                     env=env if env is not None else os.environ.copy())
        self.host = "127.0.0.1"
        self.port = None
        self.early_output = b""
        if wait:
            self._wait_listening(timeout)

    def _wait_listening(self, timeout):
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while time.monotonic() < deadline:
            r, _, _ = select.select([fd], [], [], 0.1)
            if r:
                chunk = os.read(fd, 4096)
                if not chunk:
                    break
                self.early_output += chunk
                m = LISTEN_RE.search(self.early_output)
                if m:
                    self.host = m.group(1).decode()
                    self.port = int(m.group(2))
                    return
            elif self.proc.poll() is not None:
                break
        err = b""
        if self.proc.poll() is not None:
            err = self.proc.stderr.read()
        self.stop()
        raise RuntimeError("cgihttpd did not start: %r %r" % (self.early_output, err))

    @property
    def url(self):
        return "http://%s:%d" % (self.host, self.port)

    def connect(self, timeout=10):
        s = socket.create_connection((self.host, self.port), timeout=timeout)
        return s

    def raw(self, data, timeout=10, shut=True):
        """Send raw bytes, read until the server closes or timeout; returns bytes."""
        s = self.connect(timeout)
        try:
            s.sendall(data)
            if shut:
                s.shutdown(socket.SHUT_WR)
            out = b""
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                try:
                    chunk = s.recv(65536)
                except socket.timeout:
                    break
                except ConnectionResetError:
                    break
                if not chunk:
                    break
                out += chunk
            return out
        finally:
            s.close()

    def read_log(self, which="error"):
        path = self.error_log if which == "error" else self.access_log
        try:
            with open(path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def stop(self, sig=signal.SIGTERM, timeout=10):
        """Stop the server by PID; returns its exit status."""
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(sig)
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        for f in (self.proc.stdout, self.proc.stderr):
            if f:
                f.close()
        shutil.rmtree(self.logdir, ignore_errors=True)
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def recv_all(sock, data=b""):
    """Reads sock until the peer closes it; returns data and what came."""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk


def status_of(response):
    """The status code of a raw HTTP response, or None."""
    m = re.match(rb"HTTP/1\.[01] (\d{3})", response)
    return int(m.group(1)) if m else None


class ServerTest(unittest.TestCase):
    """Base class: self.tree is a fresh docroot; start() runs the server on
    it and registers its stop for cleanup."""

    files = {}

    def setUp(self):
        self.tree = make_tree(self.files)
        self.addCleanup(shutil.rmtree, self.tree, True)

    def start(self, *args, **kw):
        srv = Server(self.tree, *args, **kw)
        self.addCleanup(srv.stop)
        return srv
