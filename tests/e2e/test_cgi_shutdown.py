"""test_cgi_shutdown.py - graceful stop with running scripts (P-04, P-06,
S-3.4-b): on SIGTERM a script's response gets --shutdown-timeout like any
other; then its process group gets SIGTERM, SIGKILL after the 2 s grace,
and the server exits only after that, so a script that ignores SIGTERM
(with a child that inherits the ignore) does not outlive the server."""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures"))
from cgifix import CgiTest, connect, descendants, proc_stats  # noqa: E402

# Ignores SIGTERM (inherited by its sleep), sends its head with its pid
# (= its process group), then sleeps long.
STUBBORN = b"""#!/bin/sh
trap '' TERM
printf 'Content-Type: text/plain\\r\\n\\r\\npid=%d\\n' $$
sleep 60 &
wait
sleep 60
"""

# Finishes 1 s after its head: a response a graceful stop lets complete.
SHORT = b"""#!/bin/sh
printf 'Content-Type: text/plain\\r\\n\\r\\nbegin\\n'
sleep 1
echo end
"""


def group_members(pgid):
    """Live (non-zombie) pids whose process group is pgid."""
    return [p for p, _, fields in proc_stats()
            if fields[0] != "Z" and int(fields[2]) == pgid]


class CgiShutdownTest(CgiTest):
    extra_files = {"cgi-bin/stubborn.cgi": STUBBORN,
                   "cgi-bin/short.cgi": SHORT}

    def test_P_04_sigterm_kills_stubborn_group_before_exit(self):
        srv = self.start("--shutdown-timeout", "1")
        s = connect(srv)
        self.addCleanup(s.close)
        s.sendall(b"GET /cgi-bin/stubborn.cgi HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        while b"pid=" not in data or not data.endswith(b"\n"):
            chunk = s.recv(4096)
            self.assertTrue(chunk, data)
            data += chunk
        pgid = int(data.split(b"pid=")[1].split(b"\n")[0])
        self.assertTrue(self.wait_for(lambda: len(group_members(pgid)) >= 2))
        t0 = time.monotonic()
        srv.proc.send_signal(signal.SIGTERM)
        self.assertEqual(srv.proc.wait(15), 0)
        took = time.monotonic() - t0
        # the shutdown grace (1 s) + the SIGKILL grace (2 s), not 60 s
        self.assertLess(took, 8)
        self.assertGreaterEqual(took, 2.5)
        # SIGKILL was sent before the exit: nothing of the group is left
        # (a moment for the kernel to finish the kill)
        self.assertTrue(self.wait_for(lambda: group_members(pgid) == [], 1),
                        group_members(pgid))

    def test_P_04_running_script_finishes_within_grace(self):
        """A script that ends within --shutdown-timeout is not killed:
        its response completes, then the server exits 0."""
        srv = self.start("--shutdown-timeout", "10")
        s = connect(srv)
        self.addCleanup(s.close)
        s.sendall(b"GET /cgi-bin/short.cgi HTTP/1.1\r\nHost: x\r\n\r\n")
        data = s.recv(4096)
        while b"begin" not in data:
            data += s.recv(4096)
        srv.proc.send_signal(signal.SIGTERM)
        while not data.endswith(b"0\r\n\r\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        self.assertIn(b"end\n", data)
        self.assertTrue(data.endswith(b"0\r\n\r\n"), data)
        self.assertEqual(srv.proc.wait(10), 0)
        self.assertEqual(descendants(srv.proc.pid), [])


if __name__ == "__main__":
    import unittest
    unittest.main()
