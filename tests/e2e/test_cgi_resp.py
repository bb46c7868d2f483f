"""test_cgi_resp.py - the script's response end to end (checklist 1.8, 1.9
and the response side of 1.12): hdr.cgi's canned header blocks through the
real server, named by checklist IDs."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures"))
from cgifix import CgiTest, parse_response  # noqa: E402


class CgiRespTest(CgiTest):

    def setUp(self):
        super().setUp()
        self.start()

    def hdr(self, name, **kw):
        return self.req("/cgi-bin/hdr.cgi?" + name, **kw)

    def test_S_7_2_c_S_6_2_a_line_ends(self):
        """LF, CRLF and mixed header blocks give the same response."""
        for name in ("lf", "crlf", "mixed"):
            r = self.hdr(name)
            self.assertEqual(r.status, 200, name)
            self.assertEqual(r.body, b"body-lf\n", name)
            self.assertEqual(r.get("content-type"), "text/plain")

    def test_S_6_3_4_a_wire_is_crlf(self):
        r = self.hdr("lf")
        head = r.raw.split(b"\r\n\r\n")[0]
        self.assertNotIn(b"\n", head.replace(b"\r\n", b""))

    def test_S_6_2_1_b_H_9112_6_1_f_framing_by_version(self):
        r11 = self.hdr("lf")
        self.assertEqual(r11.get("transfer-encoding"), "chunked")
        r10 = self.hdr("lf", version="1.0")
        self.assertIsNone(r10.get("transfer-encoding"))
        self.assertEqual(r10.body, b"body-lf\n")

    def test_S_6_3_3_a_status(self):
        r = self.hdr("status404")
        self.assertEqual((r.status, r.body), (404, b"missing\n"))
        for bad in ("status99", "status600", "statusabc", "status103",
                    "dupstatus"):
            self.assertEqual(self.hdr(bad).status, 502, bad)

    def test_S_3_1_b_malformed_blocks_give_502(self):
        """Every malformed block -> a parseable 502, script bytes never leak."""
        for bad in ("nocgi", "empty", "onlyheader", "fold", "spacecolon",
                    "cr", "vt", "nul", "te", "relative", "bigline",
                    "manyfields", "notype"):
            r = self.hdr(bad)
            self.assertEqual(r.status, 502, bad)
            self.assertNotIn(b"Set-Cookie", r.raw, bad)
        log = self.srv.read_log()
        self.assertIn("no CGI field", log)  # S-6.2-b logged

    def test_S_3_1_b_pipelined_after_502(self):
        """After a 502 the connection is either in sync or closed."""
        raw = (b"GET /cgi-bin/hdr.cgi?fold HTTP/1.1\r\nHost: x\r\n\r\n"
               b"GET /cgi-bin/hdr.cgi?lf HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = self.exchange(raw)
        first, rest = parse_response(data)
        self.assertEqual(first.status, 502)
        if rest:
            second, _ = parse_response(rest)
            self.assertEqual((second.status, second.body), (200, b"body-lf\n"))

    def test_S_6_3_1_a_untyped_empty_is_fine(self):
        r = self.hdr("notype-empty")
        self.assertEqual((r.status, r.body), (200, b""))

    def test_H_9110_8_6_a_204(self):
        r = self.hdr("s204")
        self.assertEqual(r.status, 204)
        self.assertIsNone(r.get("content-length"))
        self.assertTrue(r.raw.endswith(b"\r\n\r\n"), r.raw)

    def test_S_6_2_2_a_local_redirect(self):
        r = self.hdr("local")
        self.assertEqual((r.status, r.body), (200, b"static file\n"))
        self.assertIsNone(r.get("location"))

    def test_S_6_2_2_b_redirect_is_get_with_redirect_vars(self):
        r = self.req("/cgi-bin/hdr.cgi?local-query", method="POST",
                     headers=("Content-Type: text/plain",), body=b"abc")
        self.assertEqual(r.status, 200)
        text = r.body.decode()
        self.assertIn("ENV REQUEST_METHOD=GET", text)
        self.assertIn("ENV QUERY_STRING=from=redirect", text)
        self.assertIn("ENV REDIRECT_URL=/cgi-bin/hdr.cgi", text)
        self.assertIn("ENV REDIRECT_QUERY_STRING=local-query", text)
        self.assertNotIn("CONTENT_LENGTH", text)
        self.assertNotIn("CONTENT_TYPE", text)

    def test_S_6_2_2_b_redirect_loop_500(self):
        self.assertEqual(self.hdr("loop").status, 500)
        self.assertIn("too many internal redirects", self.srv.read_log())

    def test_S_6_2_3_a_client_redirect(self):
        r = self.hdr("client")
        self.assertEqual(r.status, 302)
        self.assertEqual(r.get("location"), "http://example.test/there")

    def test_S_6_2_4_a_redirect_with_document(self):
        r = self.hdr("clientdoc")
        self.assertEqual(r.status, 301)
        self.assertEqual(r.get("location"), "http://example.test/")
        self.assertIn(b"here</a>", r.body)

    def test_S_6_2_4_b_201_with_location(self):
        r = self.hdr("created")
        self.assertEqual((r.status, r.get("location"), r.body),
                         (201, "/new/1", b"created\n"))

    def test_S_6_3_i_set_cookie_lines_kept(self):
        r = self.hdr("cookies")
        self.assertEqual(r.all("set-cookie"), ["a=1", "b=2", "c=3"])

    def test_S_6_3_4_b_S_6_3_5_a_dropped_fields(self):
        r = self.hdr("hop")
        self.assertEqual(len(r.all("date")), 1)  # H-9110-6.6.1-a
        self.assertNotIn("2001", r.get("date"))
        self.assertEqual(r.all("server"), [r.get("server")])
        self.assertNotIn("evil", r.get("server"))
        self.assertIsNone(r.get("keep-alive"))
        self.assertIsNone(r.get("x-cgi-secret"))
        self.assertEqual(r.get("x-ok"), "1")

    def test_S_6_3_4_c_content_length(self):
        r = self.hdr("cl-bad")
        self.assertEqual((r.status, r.body), (200, b"hello"))
        self.assertEqual(r.get("transfer-encoding"), "chunked")
        r = self.hdr("cl-long")  # H-9110-8.6-b: truncated to 10
        self.assertEqual(r.body, b"0123456789")

    def test_H_9110_8_6_b_short_content_length_closes(self):
        data = self.exchange(b"GET /cgi-bin/hdr.cgi?cl-short HTTP/1.1\r\nHost: x\r\n\r\n")
        head, _, body = data.partition(b"\r\n\r\n")
        self.assertIn(b"Content-Length: 10", head)
        self.assertEqual(body, b"hello")  # then the server closed

    def test_S_6_4_b_all_bytes_round_trip(self):
        r = self.hdr("bytes")
        self.assertEqual(r.body, bytes(range(256)))

    def test_S_4_3_3_a_head(self):
        """HEAD: headers as for GET, no body; a pipelined GET still parses."""
        raw = (b"HEAD /cgi-bin/hdr.cgi?lf HTTP/1.1\r\nHost: x\r\n\r\n"
               b"GET /cgi-bin/hdr.cgi?lf HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = self.exchange(raw)
        first, rest = parse_response(data, head_only=True)
        self.assertEqual(first.status, 200)
        second, _ = parse_response(rest)
        self.assertEqual(second.body, b"body-lf\n")

    def test_S_5_1_a_S_5_2_a_nph(self):
        """nph- output reaches the client unmodified; the connection closes."""
        raw = (b"GET /cgi-bin/nph-raw.cgi HTTP/1.1\r\nHost: x\r\n\r\n"
               b"GET /cgi-bin/hdr.cgi?lf HTTP/1.1\r\nHost: x\r\n\r\n")
        data = self.exchange(raw)
        self.assertEqual(data, b"HTTP/1.1 299 Raw Thing\r\nContent-Type: text/plain\r\n"
                         b"X-Nph: yes\r\n\r\nraw body\n")  # S-5.2-c too

    def test_S_4_3_a_trace_refused(self):
        self.assertEqual(self.req("/cgi-bin/env.cgi", method="TRACE").status, 405)

    def test_P_11_exit_before_output(self):
        self.assertEqual(self.req("/cgi-bin/exit3.cgi").status, 502)
        self.assertTrue(self.wait_for(lambda: "exit status 3" in self.srv.read_log()))

    def test_S_6_2_2_b_big_body_not_replayed(self):
        """A 1 MiB POST to a script that redirects locally: the target runs
        as GET without the body, and nothing breaks on the body's size."""
        body = b"b" * (1 << 20)
        r = self.req("/cgi-bin/hdr.cgi?local-query", method="POST", body=body,
                     timeout=30)
        self.assertEqual(r.status, 200)
        self.assertIn(b"ENV REQUEST_METHOD=GET", r.body)
        self.assertNotIn(b"CONTENT_LENGTH", r.body)
