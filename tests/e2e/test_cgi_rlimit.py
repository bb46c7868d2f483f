"""test_cgi_rlimit.py - resource limits for scripts (checklist P-07):
--cgi-rlimit-as, --cgi-rlimit-fsize, --cgi-rlimit-cpu, --cgi-rlimit-nproc
(also as directives of a -c file). Each limit is shown to bite on a script
that goes past it, while the same script passes without the option."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures"))
from cgifix import CgiTest, fields  # noqa: E402
import cgitest  # noqa: E402

# Allocates 300 MiB (calloc'd, untouched pages: no real memory is used).
ALLOC = b"""#!/usr/bin/python3
import sys
sys.stdout.write("Content-Type: text/plain\\r\\n\\r\\n")
for line in open("/proc/self/limits"):
    if line.startswith("Max address space"):
        print("limit=" + line.split()[3])
try:
    b = bytearray(300 * 1024 * 1024)
    print("alloc=ok %d" % len(b))
except MemoryError:
    print("alloc=MemoryError")
"""

# Writes 200 KiB to a temporary file with head(1): over RLIMIT_FSIZE the
# kernel sends SIGXFSZ (exit 128+25); Python ignores SIGXFSZ, so its own
# write gets EFBIG.
FSIZE = b"""#!/bin/sh
printf 'Content-Type: text/plain\\r\\n\\r\\n'
f=$(mktemp) || exit 1
head -c 204800 /dev/zero > "$f"
echo "head_rc=$?"
python3 -c '
import errno, sys
try:
    with open(sys.argv[1], "wb") as fh:
        fh.write(bytes(204800))
    print("py=ok")
except OSError as e:
    print("py=" + errno.errorcode[e.errno])
' "$f"
rm -f "$f"
"""

# Spins before its head: RLIMIT_CPU ends it with SIGXCPU (24).
SPIN = b"""#!/bin/sh
while :; do :; done
"""

# Forks 20 times (each child exits at once); counts the forks refused.
NPROC = b"""#!/usr/bin/python3
import os, sys
sys.stdout.write("Content-Type: text/plain\\r\\n\\r\\n")
sys.stdout.flush()
fail = 0
for i in range(20):
    try:
        pid = os.fork()
    except OSError:
        fail += 1
        continue
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
print("fail=%d" % fail)
"""


class RlimitTest(CgiTest):
    extra_files = {"cgi-bin/alloc.cgi": ALLOC, "cgi-bin/fsize.cgi": FSIZE,
                   "cgi-bin/spin.cgi": SPIN, "cgi-bin/nproc.cgi": NPROC}

    def test_P_07_as_limit_fails_allocation(self):
        """--cgi-rlimit-as 200m: the 300 MiB allocation fails; without
        the option it succeeds (the limit is what made it fail)."""
        self.start("--cgi-rlimit-as", "200m")
        f = fields(self.req("/cgi-bin/alloc.cgi"))
        self.assertEqual(f["limit"], str(200 * 1024 * 1024))
        self.assertEqual(f["alloc"], "MemoryError")

    def test_P_07_no_as_limit_allocation_works(self):
        self.start()
        f = fields(self.req("/cgi-bin/alloc.cgi"))
        self.assertEqual(f["limit"], "unlimited")
        self.assertEqual(f["alloc"], "ok %d" % (300 * 1024 * 1024))

    def test_P_07_fsize_limit_sigxfsz_and_efbig(self):
        """--cgi-rlimit-fsize 64k: head(1) dies of SIGXFSZ (128+25), a
        process ignoring it gets EFBIG."""
        self.start("--cgi-rlimit-fsize", "64k")
        r = self.req("/cgi-bin/fsize.cgi")
        self.assertEqual(r.status, 200)
        f = fields(r)
        self.assertEqual(f["head_rc"], str(128 + 25))
        self.assertEqual(f["py"], "EFBIG")

    def test_P_07_no_fsize_limit_writes(self):
        self.start()
        f = fields(self.req("/cgi-bin/fsize.cgi"))
        self.assertEqual(f["head_rc"], "0")
        self.assertEqual(f["py"], "ok")

    def test_P_07_cpu_limit_kills_busy_loop(self):
        """--cgi-rlimit-cpu 1 (with a 60 s wall-clock cap): the spinning
        script dies of SIGXCPU within seconds; 502 and the access line
        says cgi_signal=24."""
        self.start("--cgi-rlimit-cpu", "1", "--cgi-timeout", "60",
                   "--cgi-idle-timeout", "60")
        t0 = time.monotonic()
        r = self.req("/cgi-bin/spin.cgi", timeout=30)
        self.assertEqual(r.status, 502)
        self.assertLess(time.monotonic() - t0, 20)
        self.assertTrue(self.wait_for(
            lambda: "cgi_signal=" in self.srv.read_log("access"), 5))
        log = self.srv.read_log("access")
        m = re.search(r"cgi_signal=(\d+) cpu_ms=(\d+)", log)
        self.assertIsNotNone(m, log)
        # RLIMIT_CPU with soft = hard: SIGXCPU or, at the hard limit,
        # SIGKILL; never our SIGTERM (15), and after about 1 s of CPU.
        self.assertIn(int(m.group(1)), (24, 9), log)
        self.assertGreaterEqual(int(m.group(2)), 900, log)

    def test_P_07_nproc_limit_from_config_file(self):
        """cgi-rlimit-nproc as a -c directive: with 1 process allowed for
        the scripts' user, every fork of the script fails; without it
        none does (test_P_07_no_nproc_limit_forks)."""
        conf = os.path.join(self.tree, "c.conf")
        with open(conf, "w") as fh:
            fh.write("cgi-rlimit-nproc 1\n")
        self.start("-c", conf)
        r = self.req("/cgi-bin/nproc.cgi")
        f = fields(r)
        self.assertEqual(f.get("fail"), "20", r.raw[:400])

    def test_P_07_no_nproc_limit_forks(self):
        self.start()
        r = self.req("/cgi-bin/nproc.cgi")
        self.assertEqual(fields(r).get("fail"), "0", r.raw[:400])

    def test_P_07_bad_values_refused(self):
        for opt, val in (("--cgi-rlimit-as", "1k"),
                         ("--cgi-rlimit-cpu", "0"),
                         ("--cgi-rlimit-fsize", "x")):
            srv = cgitest.Server(self.tree, opt, val, wait=False)
            self.addCleanup(srv.stop)
            self.assertEqual(srv.proc.wait(10), 2, opt)


if __name__ == "__main__":
    import unittest
    unittest.main()
