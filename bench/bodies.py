#!/usr/bin/python3
"""bench/bodies.py - write the request bodies that bench/parse.sh parses.

    bodies.py DIR

Writes each body to DIR/NAME.body and one line per body to DIR/bodies.tsv:
NAME, TAB, CONTENT_TYPE, TAB, SIZE, TAB, what it is. Everything is made
here from a seeded generator, so every run parses the same bytes:

  upload-10m / upload-40m  multipart, one file part of 10 / 40 MiB of
                           pseudo-random bytes (plus a small text field)
  form-1m                  urlencoded, 20,000 fields, about 1 MiB, with
                           percent escapes and '+'
  crlf-4m / crlf-8m        multipart, one file part whose content is only
                           CRLFs (every CR starts a delimiter candidate)
  tiny-100k / tiny-200k    urlencoded, 100,000 / 200,000 fields "a=1"
  nearb-4m / nearb-8m      multipart, one file part made of CRLF "--" and
                           the boundary less its last byte, again and again
                           (every candidate fails at the last byte)

Pairs n / 2n are for linear-time evidence (parse time should double).
"""
import os
import random
import sys

BOUNDARY = "----benchBoundary7MA4YWxkTrZu0gW"
MP_TYPE = "multipart/form-data; boundary=" + BOUNDARY
URL_TYPE = "application/x-www-form-urlencoded"
MIB = 1024 * 1024


def multipart(content):
    """A form with a text field 'title' and a file field 'upload'."""
    b = BOUNDARY.encode()
    head = (b"--" + b + b"\r\n"
            b'Content-Disposition: form-data; name="title"\r\n\r\n'
            b"benchmark upload\r\n"
            b"--" + b + b"\r\n"
            b'Content-Disposition: form-data; name="upload"; '
            b'filename="data.bin"\r\n'
            b"Content-Type: application/octet-stream\r\n\r\n")
    return head + content + b"\r\n--" + b + b"--\r\n"


def random_bytes(n, seed):
    return random.Random(seed).randbytes(n)


def repeat_to(unit, n):
    return (unit * (n // len(unit) + 1))[:n]


def form_1m():
    """20,000 fields of about 52 bytes: 1 MiB of typical form traffic."""
    rnd = random.Random(4)
    words = ["alpha", "beta", "gamma", "delta", "caf%C3%A9", "a+b",
             "x%26y", "100%25", "plain", "text"]
    fields = []
    for i in range(20000):
        value = "+".join(rnd.choice(words) for _ in range(5))
        fields.append("field%05d=%s" % (i, value))
    body = "&".join(fields).encode()
    if len(body) < MIB:  # pad the last value to exactly 1 MiB
        body += b"x" * (MIB - len(body))
    return body[:MIB] if len(body) > MIB else body


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    nearb = b"\r\n--" + BOUNDARY.encode()[:-1]
    bodies = [
        ("upload-10m", MP_TYPE, multipart(random_bytes(10 * MIB, 1)),
         "multipart, one 10 MiB file"),
        ("upload-40m", MP_TYPE, multipart(random_bytes(40 * MIB, 2)),
         "multipart, one 40 MiB file"),
        ("form-1m", URL_TYPE, form_1m(), "urlencoded, 20,000 fields"),
        ("crlf-4m", MP_TYPE, multipart(b"\r\n" * (2 * MIB)),
         "multipart, a 4 MiB part of only CRLFs"),
        ("crlf-8m", MP_TYPE, multipart(b"\r\n" * (4 * MIB)),
         "multipart, an 8 MiB part of only CRLFs"),
        ("tiny-100k", URL_TYPE, b"&".join([b"a=1"] * 100000),
         "urlencoded, 100,000 fields a=1"),
        ("tiny-200k", URL_TYPE, b"&".join([b"a=1"] * 200000),
         "urlencoded, 200,000 fields a=1"),
        ("nearb-4m", MP_TYPE, multipart(repeat_to(nearb, 4 * MIB)),
         "multipart, 4 MiB of near-boundaries"),
        ("nearb-8m", MP_TYPE, multipart(repeat_to(nearb, 8 * MIB)),
         "multipart, 8 MiB of near-boundaries"),
    ]
    with open(os.path.join(out, "bodies.tsv"), "w") as tsv:
        for name, ctype, data, what in bodies:
            with open(os.path.join(out, name + ".body"), "wb") as f:
                f.write(data)
            tsv.write("%s\t%s\t%d\t%s\n" % (name, ctype, len(data), what))


if __name__ == "__main__":
    main()
