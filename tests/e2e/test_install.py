"""tests/e2e/test_install.py - make install / make uninstall with PREFIX and
DESTDIR: the installed header, static and shared library (versioned soname),
pkg-config file and man pages are enough to build a libcgi program outside
the tree, and uninstall removes every file that install put there."""
import os
import shutil
import subprocess
import tempfile
import unittest

from cgitest import BUILD, ROOT

GREET = os.path.join(ROOT, "tests", "tools", "greet.c")
# A sanitized library (SANITIZE=1, build-asan) needs its runtime in the
# program that links it, as any user of such a build would.
SAN = (["-fsanitize=address,undefined"]
       if os.path.basename(BUILD) == "build-asan" else [])
PREFIX = "/opt/cgitest"


def make(*args):
    extra = ["SANITIZE=1"] if os.path.basename(BUILD) == "build-asan" else []
    return subprocess.run(["make", "-s", "-C", ROOT] + extra + list(args),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=600)


def files_under(root):
    out = set()
    for d, _, names in os.walk(root):
        for n in names:
            out.add(os.path.relpath(os.path.join(d, n), root))
    return out


@unittest.skipIf(shutil.which("pkg-config") is None, "pkg-config is not installed")
class InstallTest(unittest.TestCase):
    def setUp(self):
        self.dest = tempfile.mkdtemp(prefix="cgihttpd-install-")
        self.addCleanup(shutil.rmtree, self.dest, True)
        r = make("install", "PREFIX=" + PREFIX, "DESTDIR=" + self.dest)
        self.assertEqual(r.returncode, 0, r.stdout.decode(errors="replace"))
        self.root = self.dest + PREFIX

    def pkg(self, *args):
        env = dict(os.environ,
                   PKG_CONFIG_PATH=os.path.join(self.root, "lib", "pkgconfig"),
                   PKG_CONFIG_SYSROOT_DIR=self.dest)
        r = subprocess.run(["pkg-config"] + list(args) + ["libcgi"],
                           stdout=subprocess.PIPE, env=env, check=True)
        return r.stdout.decode().split()

    def test_install_lays_out_every_piece(self):
        """Binary, header, both libraries with the soname links, the .pc
        file and the man pages land under DESTDIR/PREFIX."""
        got = files_under(self.root)
        for want in ("bin/cgihttpd", "include/cgi.h", "lib/libcgi.a",
                     "lib/libcgi.so", "lib/libcgi.so.0",
                     "lib/pkgconfig/libcgi.pc", "share/man/man8/cgihttpd.8",
                     "share/man/man5/cgihttpd.conf.5",
                     "share/man/man3/libcgi.3"):
            self.assertIn(want, got)
        self.assertTrue(os.path.islink(os.path.join(self.root, "lib/libcgi.so.0")))
        r = subprocess.run(["readelf", "-d", os.path.join(self.root, "lib/libcgi.so")],
                           stdout=subprocess.PIPE, check=True)
        self.assertIn(b"Library soname: [libcgi.so.0]", r.stdout)
        v = subprocess.run([os.path.join(self.root, "bin/cgihttpd"), "-V"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.assertEqual(v.returncode, 0)
        self.assertIn(b"cgihttpd", v.stdout)

    def build_and_run(self, static):
        out = os.path.join(self.dest, "greet-static" if static else "greet")
        flags = self.pkg("--cflags") + self.pkg("--libs")
        if static:
            flags = self.pkg("--cflags") + [
                os.path.join(self.root, "lib", "libcgi.a")]
        subprocess.run(["cc"] + SAN + ["-o", out, GREET] + flags, check=True,
                       timeout=120)
        env = dict(os.environ, LD_LIBRARY_PATH=os.path.join(self.root, "lib"))
        env.pop("GATEWAY_INTERFACE", None)
        r = subprocess.run([out, "name=<b>Ada</b>"], stdout=subprocess.PIPE,
                           env=env, timeout=30)
        self.assertEqual(r.returncode, 0)
        return out, r.stdout

    def test_program_builds_against_the_shared_library(self):
        """pkg-config's flags alone build the greeting program; it runs from
        a terminal against the installed libcgi.so.0 and escapes its input."""
        out, body = self.build_and_run(static=False)
        self.assertIn(b"<h1>Hello &lt;b&gt;Ada&lt;/b&gt;!</h1>", body)
        ldd = subprocess.run(["ldd", out], stdout=subprocess.PIPE,
                             env=dict(os.environ, LD_LIBRARY_PATH=os.path.join(self.root, "lib")))
        self.assertIn(os.path.join(self.root, "lib", "libcgi.so.0").encode(), ldd.stdout)

    def test_program_builds_against_the_static_library(self):
        """The same program linked with libcgi.a needs no shared library."""
        out, body = self.build_and_run(static=True)
        self.assertIn(b"<h1>Hello &lt;b&gt;Ada&lt;/b&gt;!</h1>", body)
        ldd = subprocess.run(["ldd", out], stdout=subprocess.PIPE)
        self.assertNotIn(b"libcgi", ldd.stdout)

    def test_uninstall_removes_what_install_put(self):
        """After make uninstall no installed file is left under DESTDIR."""
        r = make("uninstall", "PREFIX=" + PREFIX, "DESTDIR=" + self.dest)
        self.assertEqual(r.returncode, 0, r.stdout.decode(errors="replace"))
        self.assertEqual(files_under(self.root), set())


if __name__ == "__main__":
    unittest.main()
