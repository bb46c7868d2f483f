"""tests/e2e/test_privdrop.py - started as root, the server binds, then
drops to -u USER (default nobody) for good: /proc shows that user in all
four uid slots, the error log says so in one line, root-only files are not
served, and a user that is root or missing is refused at startup."""
import os
import pwd
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cgitest  # noqa: E402
from test_http_protocol import request  # noqa: E402


def status_ids(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return [int(x) for x in line.split()[1:]]
    return None


@unittest.skipUnless(os.geteuid() == 0, "needs root to test dropping root")
class PrivDropTest(cgitest.ServerTest):
    files = {"a.txt": "a\n", "rootonly.txt": "only root\n"}

    def setUp(self):
        super().setUp()
        os.chmod(os.path.join(self.tree, "rootonly.txt"), 0o600)

    def test_runs_as_nobody_by_default(self):
        """Default -u nobody: real, effective, saved and fs uid are all
        nobody's, and so are the gids; supplementary groups are only
        nobody's group; one error-log line says so."""
        nobody = pwd.getpwnam("nobody")
        srv = self.start()
        self.assertEqual(request(srv, "/a.txt").status, 200)
        pid = srv.proc.pid
        self.assertEqual(status_ids(pid, "Uid"), [nobody.pw_uid] * 4)
        self.assertEqual(status_ids(pid, "Gid"), [nobody.pw_gid] * 4)
        self.assertEqual(status_ids(pid, "Groups"), [nobody.pw_gid])
        # every thread, not just the main one
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/status" % (pid, tid)) as f:
                uid_line = [l for l in f if l.startswith("Uid:")][0]
            self.assertEqual([int(x) for x in uid_line.split()[1:]], [nobody.pw_uid] * 4)
        log = srv.read_log()
        lines = [l for l in log.splitlines() if "dropped to user nobody" in l]
        self.assertEqual(len(lines), 1, log)
        self.assertIn("root cannot be regained", lines[0])

    def test_root_only_file_is_not_served(self):
        """Never serving as root: a 0600 root file is refused (403)."""
        srv = self.start()
        r = request(srv, "/rootonly.txt")
        self.assertEqual(r.status, 403)
        self.assertNotIn(b"only root", r.body)

    def test_named_user(self):
        """-u USER drops to that user (here: daemon, if it exists)."""
        try:
            daemon = pwd.getpwnam("daemon")
        except KeyError:
            self.skipTest("no user daemon")
        srv = self.start("-u", "daemon")
        self.assertEqual(status_ids(srv.proc.pid, "Uid"), [daemon.pw_uid] * 4)

    def test_root_or_unknown_user_refused(self):
        """-u root, or a user that does not exist: exit 2 naming --user,
        nothing is served."""
        for user in ("root", "no-such-user-cgihttpd"):
            with self.subTest(user):
                p = subprocess.run([cgitest.CGIHTTPD, "-p", "0", "-u", user, self.tree],
                                   capture_output=True, timeout=10)
                self.assertEqual(p.returncode, 2)
                self.assertEqual(p.stdout, b"")
                self.assertIn(b"--user", p.stderr)

if __name__ == "__main__":
    unittest.main()
