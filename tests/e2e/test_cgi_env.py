"""test_cgi_env.py - the script environment end to end (checklist 1.2-1.4,
1.13, V-01/02/07/08/24): what env.cgi and sig.cgi see through the real
server, named by checklist IDs."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures"))
from cgifix import CgiTest  # noqa: E402


class CgiEnvTest(CgiTest):

    def setUp(self):
        super().setUp()
        self.start("--env", "X_SITE=demo", "--pass-env", "CGI_TEST_PASS",
                   env=dict(os.environ, CGI_TEST_PASS="passed",
                            SECRET_TOKEN="leak"))

    def test_S_4_1_c_nine_always_set(self):
        """A minimal GET sets the nine PROJ variables; QUERY_STRING empty."""
        env, _, _ = self.env()
        for n in ("GATEWAY_INTERFACE", "QUERY_STRING", "REMOTE_ADDR",
                  "REQUEST_METHOD", "SCRIPT_NAME", "SERVER_NAME",
                  "SERVER_PORT", "SERVER_PROTOCOL", "SERVER_SOFTWARE"):
            self.assertIn(n, env)
        self.assertEqual(env["GATEWAY_INTERFACE"], "CGI/1.1")
        self.assertEqual(env["QUERY_STRING"], "")
        self.assertEqual(env["SERVER_PORT"], str(self.srv.port))
        self.assertEqual(env["REMOTE_ADDR"], "127.0.0.1")
        self.assertEqual(env["REMOTE_HOST"], "127.0.0.1")  # S-4.1.9-a

    def test_S_3_2_a_script_and_path_info(self):
        env, _, _ = self.env("/cgi-bin/env.cgi/x/AbC")
        self.assertEqual(env["SCRIPT_NAME"], "/cgi-bin/env.cgi")
        self.assertEqual(env["PATH_INFO"], "/x/AbC")  # S-4.1.5-c
        self.assertEqual(env["PATH_TRANSLATED"], self.tree + "/x/AbC")  # S-4.1.6-a/d

    def test_S_4_1_5_a_no_path_info(self):
        env, _, _ = self.env("/cgi-bin/env.cgi")
        self.assertNotIn("PATH_INFO", env)
        self.assertNotIn("PATH_TRANSLATED", env)  # S-4.1.6-b

    def test_S_4_1_5_b_decoded(self):
        env, _, _ = self.env("/cgi-bin/env.cgi/%7Euser")
        self.assertEqual(env["PATH_INFO"], "/~user")

    def test_S_4_1_5_d_V_24_controls_refused(self):
        """Decoded NUL, LF, CR, DEL in the path: 400 and the script never runs."""
        for enc in ("%00", "%0a", "%0d", "%7f"):
            resp = self.req("/cgi-bin/env.cgi/a%sb" % enc)
            self.assertEqual(resp.status, 400, enc)
            self.assertNotIn(b"GATEWAY_INTERFACE", resp.body)

    def test_S_4_1_7_b_query_as_received(self):
        env, _, _ = self.env("/cgi-bin/env.cgi?a=%41+b&AbC")
        self.assertEqual(env["QUERY_STRING"], "a=%41+b&AbC")  # S-4.1-d too

    def test_S_4_1_7_a_empty_query(self):
        env, _, _ = self.env("/cgi-bin/env.cgi?")
        self.assertEqual(env["QUERY_STRING"], "")

    def test_S_4_1_12_a_method_exact(self):
        env, _, _ = self.env(method="PATCH", body=b"")
        self.assertEqual(env["REQUEST_METHOD"], "PATCH")

    def test_S_4_1_14_a_server_name(self):
        env, _, _ = self.env(headers=())
        self.assertEqual(env["SERVER_NAME"], "test.local")

    def test_S_4_1_16_a_protocol_version(self):
        resp = self.req("/cgi-bin/env.cgi", version="1.0")
        from cgifix import env_of
        env = dict(env_of(resp)[0])
        self.assertEqual(env["SERVER_PROTOCOL"], "HTTP/1.0")
        self.assertNotEqual(resp.get("transfer-encoding"), "chunked")  # H-9112-6.1-e

    def test_S_4_1_17_a_software_equals_server(self):
        resp = self.req("/cgi-bin/env.cgi")
        from cgifix import env_of
        env = dict(env_of(resp)[0])
        self.assertEqual(env["SERVER_SOFTWARE"], resp.get("server"))

    def test_S_4_1_2_a_content_length_rule(self):
        """No body -> unset; CL: 0 -> 0; chunked empty -> 0; CL: 3 -> 3."""
        env, _, _ = self.env()
        self.assertNotIn("CONTENT_LENGTH", env)
        env, _, _ = self.env(method="POST", body=b"")
        self.assertEqual(env["CONTENT_LENGTH"], "0")
        env, _, _ = self.env(method="POST", headers=("Transfer-Encoding: chunked",),
                             body=b"0\r\n\r\n")
        self.assertEqual(env["CONTENT_LENGTH"], "0")
        self.assertNotIn("HTTP_TRANSFER_ENCODING", env)  # S-4.1.18-f
        env, _, _ = self.env(method="GET", body=b"abc")
        self.assertEqual(env["CONTENT_LENGTH"], "3")

    def test_S_4_1_3_content_type(self):
        ct = 'multipart/form-data; boundary="x y"'
        env, _, _ = self.env(method="POST", headers=("Content-Type: " + ct,),
                             body=b"")
        self.assertEqual(env["CONTENT_TYPE"], ct)
        env, _, _ = self.env(method="POST", body=b"x")
        self.assertNotIn("CONTENT_TYPE", env)  # S-4.1.3-b
        self.assertNotIn("HTTP_CONTENT_TYPE", env)
        self.assertNotIn("HTTP_CONTENT_LENGTH", env)  # S-4.1.18-e

    def test_S_4_1_18_b_repeats_joined(self):
        env, _, _ = self.env(headers=("Accept: a", "Accept: b",
                                      "Cookie: a=1", "Cookie: b=2",
                                      "User-Agent: ua/1"))
        self.assertEqual(env["HTTP_ACCEPT"], "a, b")
        self.assertEqual(env["HTTP_COOKIE"], "a=1; b=2")
        self.assertEqual(env["HTTP_USER_AGENT"], "ua/1")  # S-4.1.18-a

    def test_S_4_1_a_V_07_no_duplicates_no_underscores(self):
        _, entries, _ = self.env(headers=("X-Foo: 1", "x-foo: 2", "X_Foo: 3",
                                          "X_Remote_User: admin",
                                          "Content_Type: x"))
        names = [n.upper() for n, _ in entries]
        self.assertEqual(len(names), len(set(names)), names)
        env = dict(entries)
        self.assertEqual(env["HTTP_X_FOO"], "1, 2")
        self.assertNotIn("HTTP_X_REMOTE_USER", env)
        self.assertNotIn("CONTENT_TYPE", env)  # V-07-c

    def test_V_01_httpoxy(self):
        env, _, _ = self.env(headers=("Proxy: http://127.0.0.1:1", "Path: x"))
        self.assertNotIn("HTTP_PROXY", env)
        self.assertEqual(env["HTTP_PATH"], "x")  # V-01-b
        self.assertEqual(env["PATH"], "/usr/local/bin:/usr/bin:/bin")  # X-PATH

    def test_V_08_a_authorization_hidden(self):
        env, _, _ = self.env(headers=("Authorization: Basic eDp5",))
        self.assertNotIn("HTTP_AUTHORIZATION", env)
        self.assertNotIn("AUTH_TYPE", env)  # S-4.1.1-b
        self.assertNotIn("REMOTE_USER", env)

    def test_S_4_1_18_f_connection_fields_dropped(self):
        env, _, _ = self.env(headers=("Connection: close, X-Hop", "X-Hop: 1",
                                      "Keep-Alive: 5", "TE: trailers"),
                             close=False)
        for n in ("HTTP_CONNECTION", "HTTP_X_HOP", "HTTP_KEEP_ALIVE", "HTTP_TE"):
            self.assertNotIn(n, env)

    def test_S_4_1_18_d_obs_text_passes(self):
        resp = self.req("/cgi-bin/env.cgi", headers=("X-A: caf\xe9",))
        self.assertIn(b"ENV HTTP_X_A=caf\\xe9", resp.body)

    def test_V_02_b_shellshock_guard(self):
        resp = self.req("/cgi-bin/env.cgi", headers=("User-Agent: () { :;}; echo x",))
        self.assertEqual(resp.status, 400)

    def test_X_extension_variables(self):
        env, _, _ = self.env("/cgi-bin/env.cgi/%7Ex?q=1")
        self.assertEqual(env["REQUEST_URI"], "/cgi-bin/env.cgi/%7Ex?q=1")
        self.assertEqual(env["REQUEST_SCHEME"], "http")
        self.assertNotIn("HTTPS", env)  # X-HTTPS
        self.assertEqual(env["DOCUMENT_ROOT"], self.tree)
        self.assertEqual(env["SCRIPT_FILENAME"], self.tree + "/cgi-bin/env.cgi")
        self.assertEqual(env["SERVER_ADDR"], "127.0.0.1")
        self.assertTrue(env["REMOTE_PORT"].isdigit())
        self.assertEqual(env["REDIRECT_STATUS"], "200")

    def test_X_ENV_CLEAN_and_config(self):
        env, _, _ = self.env()
        self.assertNotIn("SECRET_TOKEN", env)
        self.assertEqual(env["X_SITE"], "demo")  # --env
        self.assertEqual(env["CGI_TEST_PASS"], "passed")  # --pass-env
        self.assertNotIn("HOME", env)

    def test_S_7_2_b_cwd_argv_fds(self):
        """cwd is the script's folder; argv is the script only (S-4.4-a);
        the child holds only fds 0-2, stdin /dev/null without a body."""
        _, _, other = self.env("/cgi-bin/env.cgi?a+b")
        self.assertIn("CWD " + self.tree + "/cgi-bin", other)
        argv = [l for l in other if l.startswith("ARGV ")]
        self.assertEqual(argv, ["ARGV " + self.tree + "/cgi-bin/env.cgi"])
        fds = [l for l in other if l.startswith("FD ")]
        self.assertEqual([l.split()[1] for l in fds], ["0", "1", "2"], fds)
        self.assertIn("FD 0 /dev/null", other)  # P-12

    def test_P_02_P_03_P_04_signals_fds_group(self):
        resp = self.req("/cgi-bin/sig.cgi")
        lines = resp.body.decode().split()
        self.assertIn("SigIgn:0000000000000000", lines)
        self.assertIn("SigBlk:0000000000000000", lines)
        fds = [l.split("=", 1) for l in lines if l.startswith("fd")]
        self.assertEqual([f for f, _ in fds[:3]], ["fd0", "fd1", "fd2"])
        self.assertEqual(fds[0][1], "/dev/null")
        # dash itself reads the script through one descriptor >= 10
        self.assertEqual([t for _, t in fds[3:]],
                         [self.tree + "/cgi-bin/sig.cgi"] * (len(fds) - 3))
        self.assertLessEqual(len(fds), 4)
        self.assertIn("pgid-is-pid=yes", lines)
        # P-07 defaults: CPU cap = 10 x --cgi-timeout (60 s), no core files
        self.assertIn("ulimit-t=600", lines)
        self.assertIn("ulimit-c=0", lines)


class CgiPassAuthTest(CgiTest):

    def test_V_08_a_pass_auth(self):
        self.start("--pass-auth")
        env, _, _ = self.env(headers=("Authorization: Basic eDp5",))
        self.assertEqual(env["HTTP_AUTHORIZATION"], "Basic eDp5")
        self.assertNotIn("AUTH_TYPE", env)


class CgiEnvMoreTest(CgiTest):

    def setUp(self):
        super().setUp()
        self.start()

    def test_S_4_1_15_a_port_from_socket(self):
        env, _, _ = self.env(headers=("Host: x.test:9999",))
        self.assertEqual(env["SERVER_PORT"], str(self.srv.port))
        self.assertEqual(env["SERVER_NAME"], "x.test")

    def test_S_4_1_14_c_http10_without_host(self):
        data = self.exchange(b"GET /cgi-bin/env.cgi HTTP/1.0\r\n\r\n")
        from cgifix import parse_response, env_of
        r, _ = parse_response(data)
        env = dict(env_of(r)[0])
        self.assertEqual(env["SERVER_NAME"], "127.0.0.1")
        self.assertNotIn("HTTP_HOST", env)

    def test_S_4_1_18_j_trailers_discarded(self):
        env, _, _ = self.env(method="POST", headers=("Transfer-Encoding: chunked",),
                             body=b"3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n")
        self.assertNotIn("HTTP_X_T", env)
        self.assertEqual(env["CONTENT_LENGTH"], "3")

    def test_H_9110_9_3_2_a_head_headers_match_get(self):
        g = self.req("/cgi-bin/hdr.cgi?cookies")
        h = self.req("/cgi-bin/hdr.cgi?cookies", method="HEAD")
        skip = {"date", "content-length", "transfer-encoding"}
        self.assertEqual([x for x in g.headers if x[0] not in skip],
                         [x for x in h.headers if x[0] not in skip])


class CgiScriptUriTest(CgiTest):
    """S-3.3-b, S-4.1.13-b: the Script-URI rebuilt from SCRIPT_NAME,
    PATH_INFO and QUERY_STRING reaches the same script with the same three
    values; S-8.1-a, S-9.8-a: // and dot segments are normalised first."""

    def setUp(self):
        super().setUp()
        self.start()

    @staticmethod
    def unesc(s):
        import re
        return re.sub(r"\\x([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)),
                      s).encode("latin1")

    def three(self, target):
        env, _, _ = self.env(target)
        return (self.unesc(env["SCRIPT_NAME"]),
                self.unesc(env.get("PATH_INFO", "")),
                self.unesc(env["QUERY_STRING"]))

    def test_S_3_3_b_script_uri_property(self):
        import random
        import urllib.parse
        rnd = random.Random(3875)
        # no '/' (an encoded slash is 404 by design, S-4.1.5-e)
        alphabet = "abcXYZ019-._~!$&'()*+,;=:@ é%?#[]"
        for _ in range(25):
            segs = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 6)))
                    for _ in range(rnd.randint(1, 3))]
            # a leading dot is a dotfile (404 by design)
            segs = ["s" + s if s.startswith(".") else s for s in segs]
            raw = "/cgi-bin/env.cgi/" + "/".join(
                urllib.parse.quote(s, safe="") for s in segs)
            query = urllib.parse.quote(
                "".join(rnd.choice(alphabet) for _ in range(5)), safe="=&")
            first = self.three(raw + "?" + query)
            sn, pi, qs = first
            # re-encode: only what is reserved in the path is escaped
            uri = urllib.parse.quote(sn, safe="/") + \
                urllib.parse.quote(pi, safe="/") + "?" + qs.decode("latin1")
            self.assertEqual(self.three(uri), first, uri)
            self.assertEqual(sn + pi, b"/cgi-bin/env.cgi/" +
                             "/".join(segs).encode())  # S-4.1.13-b

    def test_S_8_1_a_empty_segments(self):
        env, _, _ = self.env("//cgi-bin//env.cgi")
        self.assertEqual(env["SCRIPT_NAME"], "/cgi-bin/env.cgi")
        self.assertEqual(env["REQUEST_URI"], "//cgi-bin//env.cgi")

    def test_S_9_8_a_dot_segments_first(self):
        env, _, _ = self.env("/cgi-bin/x/../env.cgi/a/./b")
        self.assertEqual(env["SCRIPT_NAME"], "/cgi-bin/env.cgi")
        self.assertEqual(env["PATH_INFO"], "/a/b")
