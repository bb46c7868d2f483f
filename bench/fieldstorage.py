#!/usr/bin/python3
"""bench/fieldstorage.py - the Python peer of build/bench/parse_bench.

    fieldstorage.py BODY CONTENT_TYPE ITERATIONS [SECONDS]

Parses the body file with cgi.FieldStorage (Python 3.11's cgi module, as
a CGI script would: REQUEST_METHOD=POST, CONTENT_TYPE, CONTENT_LENGTH, the
body as fp) ITERATIONS times, or fewer if SECONDS (default 20) run out
after at least one, and prints one line:

    fieldstorage: N iterations, X MB/s, mean Y MB/s, F fields, peak RSS K KiB

MB/s is 10^6 bytes of body per second of parse time, X from the fastest
iteration (the least disturbed by other load on the machine), Y over all
(the file is reopened each time; opening is outside the timed part). F counts the top-level
fields of the last parse, so a wrong parse shows.
"""
import resource
import sys
import time
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import cgi


def main():
    path, ctype, iterations = sys.argv[1], sys.argv[2], int(sys.argv[3])
    limit = float(sys.argv[4]) if len(sys.argv) > 4 else 20.0
    with open(path, "rb") as f:
        size = len(f.read())
    env = {"REQUEST_METHOD": "POST", "CONTENT_TYPE": ctype,
           "CONTENT_LENGTH": str(size)}
    spent, best, done, nfields = 0.0, None, 0, 0
    while done < iterations and (done == 0 or spent < limit):
        with open(path, "rb") as fp:
            t0 = time.perf_counter()
            form = cgi.FieldStorage(fp=fp, environ=env,
                                    keep_blank_values=True)
            nfields = len(form.list or [])
            took = time.perf_counter() - t0
            spent += took
            best = took if best is None else min(best, took)
        done += 1
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("fieldstorage: %d iterations, %.2f MB/s, mean %.2f MB/s, "
          "%d fields, peak RSS %d KiB" % (done, size / best / 1e6,
                                          size * done / spent / 1e6,
                                          nfields, rss))


if __name__ == "__main__":
    main()
