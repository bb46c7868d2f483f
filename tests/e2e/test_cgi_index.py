"""test_cgi_index.py - index scripts for folders (S-3.2-a, implementation
defined, see man/cgihttpd.8): a folder inside a CGI folder, asked for with
its final '/', runs the first of index.cgi, index.py, index.pl, index.php,
index.sh it holds; outside CGI folders, a folder without index.html runs
"index" + the first --cgi-ext suffix (in the order given) that exists.
Without the final '/' the folder is redirected (301) like a static one;
a folder with no index script stays 403."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures"))
from cgifix import CgiTest, env_of, fields, HERE  # noqa: E402
import cgitest  # noqa: E402

SH_INDEX = (b"#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\n"
            b"echo \"which=%s\"\necho \"SN=$SCRIPT_NAME\"\n"
            b"echo \"SF=$SCRIPT_FILENAME\"\necho \"PI=${PATH_INFO-unset}\"\n")


def sh_index(which):
    return SH_INDEX.replace(b"%s", which.encode())


class CgiFolderIndexTest(CgiTest):

    def setUp(self):
        super().setUp()
        t = self.tree
        cgitest.write_file(t, "cgi-bin/idx/index.cgi", sh_index("cgi"))
        cgitest.write_file(t, "cgi-bin/both/index.cgi", sh_index("cgi"))
        cgitest.write_file(t, "cgi-bin/both/index.py", sh_index("py"), executable=True)
        cgitest.write_file(t, "cgi-bin/py/index.py", sh_index("py"), executable=True)
        cgitest.write_file(t, "cgi-bin/deep/er/index.sh", sh_index("sh"))
        cgitest.write_file(t, "cgi-bin/sub/readme.txt", b"not a script\n")
        cgitest.write_file(t, "cgi-bin/noexec/index.cgi", sh_index("x"), executable=False)
        self.start()

    def test_S_3_2_a_folder_runs_index_cgi(self):
        """/cgi-bin/idx/ runs idx/index.cgi: SCRIPT_NAME is the folder +
        the index name, SCRIPT_FILENAME the file, no PATH_INFO."""
        r = self.req("/cgi-bin/idx/")
        self.assertEqual(r.status, 200, r.raw[:300])
        f = fields(r)
        self.assertEqual(f["which"], "cgi")
        self.assertEqual(f["SN"], "/cgi-bin/idx/index.cgi")
        self.assertTrue(f["SF"].endswith("/cgi-bin/idx/index.cgi"), f["SF"])
        self.assertTrue(os.path.isfile(f["SF"]))
        self.assertEqual(f["PI"], "unset")

    def test_S_3_2_a_index_order(self):
        """index.cgi wins over index.py; index.py and index.sh run alone."""
        self.assertEqual(fields(self.req("/cgi-bin/both/"))["which"], "cgi")
        self.assertEqual(fields(self.req("/cgi-bin/py/"))["which"], "py")
        f = fields(self.req("/cgi-bin/deep/er/"))
        self.assertEqual(f["which"], "sh")
        self.assertEqual(f["SN"], "/cgi-bin/deep/er/index.sh")

    def test_S_3_2_a_cgi_folder_root_index(self):
        """The CGI folder itself (/cgi-bin/) runs its own index.cgi."""
        cgitest.write_file(self.tree, "cgi-bin/index.cgi", sh_index("root"))
        r = self.req("/cgi-bin/")
        self.assertEqual(r.status, 200, r.raw[:300])
        self.assertEqual(fields(r)["SN"], "/cgi-bin/index.cgi")

    def test_S_3_2_a_folder_without_slash_redirects(self):
        r = self.req("/cgi-bin/idx?a=1")
        self.assertEqual(r.status, 301)
        self.assertEqual(r.get("location"), "/cgi-bin/idx/?a=1")

    def test_S_3_2_a_index_keeps_query(self):
        r = self.req("/cgi-bin/idx/?q=1")
        self.assertEqual(r.status, 200)

    def test_P_14_folder_without_index_and_index_without_x(self):
        """No index script: still 403 (never a listing); an index.cgi
        without an x bit is refused like any script there (403)."""
        self.assertEqual(self.req("/cgi-bin/sub/").status, 403)
        self.assertEqual(self.req("/cgi-bin/noexec/").status, 403)
        self.assertEqual(self.req("/cgi-bin/none/").status, 404)


class ExtFolderIndexTest(CgiTest):
    """--cgi-ext .py=/bin/sh --cgi-ext .php=/bin/sh: index.py, then
    index.php, after index.html."""

    def setUp(self):
        super().setUp()
        t = self.tree
        cgitest.write_file(t, "app/index.py", sh_index("py"))
        cgitest.write_file(t, "php/index.php", sh_index("php"))
        cgitest.write_file(t, "both/index.php", sh_index("php"))
        cgitest.write_file(t, "both/index.py", sh_index("py"))
        cgitest.write_file(t, "html/index.html", b"static index\n")
        cgitest.write_file(t, "html/index.py", sh_index("py"))
        self.start("--cgi-ext", ".py=/bin/sh", "--cgi-ext", ".php=/bin/sh")

    def test_S_3_2_a_ext_folder_runs_index_py(self):
        r = self.req("/app/")
        self.assertEqual(r.status, 200, r.raw[:300])
        f = fields(r)
        self.assertEqual(f["which"], "py")
        self.assertEqual(f["SN"], "/app/index.py")
        self.assertTrue(f["SF"].endswith("/app/index.py"), f["SF"])
        self.assertEqual(f["PI"], "unset")
        self.assertEqual(fields(self.req("/php/"))["which"], "php")

    def test_S_3_2_a_ext_order_follows_options(self):
        self.assertEqual(fields(self.req("/both/"))["which"], "py")

    def test_S_3_2_a_index_html_wins(self):
        r = self.req("/html/")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, b"static index\n")

    def test_S_3_2_a_ext_folder_without_slash_redirects(self):
        r = self.req("/app")
        self.assertEqual(r.status, 301)
        self.assertEqual(r.get("location"), "/app/")


if __name__ == "__main__":
    import unittest
    unittest.main()
