"""test_cgi_enosys.py - the server works where pidfd_open(2) (434) and
openat2(2) (437) do not exist (ENOSYS: valgrind 3.19, kernels before
5.3/5.6). It runs under build/tests/tools/enosys, a seccomp wrapper that
makes those syscalls fail with ENOSYS. Scripts are then reaped by polling
wait4(pid, WNOHANG) for each child, files are opened one segment at a time
with O_NOFOLLOW. Without the fallbacks every file was 404 and every spawn
500."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures"))
from cgifix import CgiTest, env_of, descendants, children_of  # noqa: E402
import cgitest  # noqa: E402

ENOSYS = os.path.join(cgitest.BUILD, "tests", "tools", "enosys")


class EnosysTest(CgiTest):
    extra_files = {"dir/a.txt": b"in a folder\n"}

    def setUp(self):
        super().setUp()
        if not os.access(ENOSYS, os.X_OK):
            self.fail("build %s first (make)" % ENOSYS)
        os.symlink("dir/a.txt", os.path.join(self.tree, "link.txt"))
        old = os.environ.get("CGIHTTPD_WRAP")
        os.environ["CGIHTTPD_WRAP"] = ("%s 434,437 %s" % (ENOSYS, old or "")).strip()
        self.addCleanup(self.restore, old)
        self.start("--cgi-timeout", "1", "--cgi-idle-timeout", "1")

    @staticmethod
    def restore(old):
        if old is None:
            os.environ.pop("CGIHTTPD_WRAP", None)
        else:
            os.environ["CGIHTTPD_WRAP"] = old

    def test_V_04_static_without_openat2(self):
        """Files and folders open without openat2; the fallback follows no
        symlink at all (stricter than RESOLVE_BENEATH): 404."""
        r = self.req("/dir/a.txt")
        self.assertEqual((r.status, r.body), (200, b"in a folder\n"))
        self.assertEqual(self.req("/static.txt").status, 200)
        self.assertEqual(self.req("/dir").status, 301)
        self.assertEqual(self.req("/nothere.txt").status, 404)
        self.assertEqual(self.req("/link.txt").status, 404)
        self.assertEqual(self.req("/dir/a.txt/x").status, 404)

    def test_P_05_script_runs_and_is_reaped(self):
        """A plain script answers 200; its exit status reaches the access
        log (wait4 data), and no zombie is left."""
        t0 = time.monotonic()
        for _ in range(5):
            r = self.req("/cgi-bin/env.cgi")
            self.assertEqual(r.status, 200, r.raw[:300])
            entries, _ = env_of(r)
            self.assertIn("GATEWAY_INTERFACE", dict(entries))
        # polling starts at 5 ms and is done at stdout's EOF: not slow
        self.assertLess(time.monotonic() - t0, 10)
        self.assertTrue(self.wait_for(
            lambda: self.srv.read_log("access").count("cgi_exit=0") == 5, 5),
            self.srv.read_log("access"))
        self.assertTrue(self.wait_for(
            lambda: children_of(self.srv.proc.pid) == [], 5),
            children_of(self.srv.proc.pid))

    def test_P_05_exit_status_and_signal(self):
        # no header block: 502, answered after the reap (cgi_exit=3)
        self.assertEqual(self.req("/cgi-bin/exit3.cgi").status, 502)
        data = self.exchange(b"GET /cgi-bin/crash.cgi HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertIn(b"partial", data)  # then cut: no final chunk
        self.assertFalse(data.endswith(b"0\r\n\r\n"))
        self.assertTrue(self.wait_for(
            lambda: "cgi_exit=3" in self.srv.read_log("access") and
            "cgi_signal=9" in self.srv.read_log("access"), 5),
            self.srv.read_log("access"))

    def test_P_06_timeout_kills_group(self):
        """The 1 s head timeout: 504, and the group is gone (the kill and
        the reap work without a pidfd)."""
        r = self.req("/cgi-bin/sleep.cgi?before=30")
        self.assertEqual(r.status, 504)
        self.assertTrue(self.wait_for(
            lambda: descendants(self.srv.proc.pid) == [], 5),
            descendants(self.srv.proc.pid))


if __name__ == "__main__":
    import unittest
    unittest.main()
