"""A small HTTP load generator: fixed concurrency, warm-up, bounded run (`make bench` uses wrk,
which measured a higher ceiling; `bench/run.py --client python` uses this one).

Standard library only. Each of N threads holds an http.client connection and sends requests
back to back (GETs, or form POSTs with --form), going round the --path list; the connection is
reused when the server keeps it open (gunicorn's sync workers close it after each response, so
then each request opens a new one, as a browser would).
Requests that start during the warm-up are not measured. The run stops after --seconds or
--requests measured requests, whichever comes first. It only ever talks to 127.0.0.1.

Prints one JSON object on stdout: requests/second, latency percentiles in ms, status counts.
"""

import argparse
import http.client
import itertools
import json
import math
import sys
import threading
import time
from collections import Counter
from urllib.parse import urlsplit

ALLOWED_HOST = "127.0.0.1"


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(pct / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


class Client(threading.Thread):
    def __init__(self, *, run: "Run"):
        super().__init__(daemon=True)
        self.run_ = run
        self.latencies: list[float] = []
        self.statuses: Counter = Counter()
        self.last_finish = 0.0

    def run(self) -> None:
        run = self.run_
        connection = http.client.HTTPConnection(ALLOWED_HOST, run.port, timeout=run.timeout)
        while True:
            began = time.perf_counter()
            if began >= run.end:
                break
            measured = began >= run.measure_from
            if measured and next(run.tickets) >= run.max_requests:
                break
            sent = next(run.sent)
            path = run.paths[sent % len(run.paths)]
            body = run.form.replace("{n}", str(sent)) if run.form is not None else None
            try:
                connection.request(run.method, path, body=body, headers=run.headers)
                response = connection.getresponse()
                body = response.read()
                status = response.status
                if response.will_close:
                    connection.close()
                if run.expect_body is not None and body != run.expect_body:
                    status = "unexpected body"
            except (OSError, http.client.HTTPException) as exc:
                connection.close()
                status = type(exc).__name__
            finished = time.perf_counter()
            if measured:
                self.latencies.append(finished - began)
                self.statuses[str(status)] += 1
                self.last_finish = finished
        connection.close()


class Run:
    def __init__(self, args):
        url = urlsplit(args.url)
        if url.scheme != "http" or url.hostname != ALLOWED_HOST:
            sys.exit(f"load.py only drives a local server at http://{ALLOWED_HOST}; got {args.url}")
        self.port = url.port or 80
        path = (url.path or "/") + (f"?{url.query}" if url.query else "")
        self.paths = args.path or [path]
        self.method = args.method
        self.form = args.form
        self.headers = {"User-Agent": "govcommons-bench"}
        if args.cookie:
            self.headers["Cookie"] = args.cookie
        if args.form is not None:
            self.headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.sent = itertools.count()
        self.timeout = args.timeout
        self.max_requests = args.requests
        self.expect_body = args.expect_body.encode() if args.expect_body is not None else None
        self.tickets = itertools.count()  # next() is atomic in CPython: a shared request counter
        self.started = time.perf_counter()
        self.measure_from = self.started + args.warmup
        self.end = self.measure_from + args.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help=f"http://{ALLOWED_HOST}:<port>[/<path>]")
    parser.add_argument("--path", action="append", help="paths to go round (default: the URL's)")
    parser.add_argument("--method", choices=["GET", "POST"], default="GET")
    parser.add_argument("--cookie", help="the Cookie header of every request")
    parser.add_argument("--form", help="POST body, urlencoded; {n} becomes a request number")
    parser.add_argument("--ok-status", default="200", help="comma-separated statuses that count")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds not measured")
    parser.add_argument("--seconds", type=float, default=6.0, help="measured seconds (at most)")
    parser.add_argument("--requests", type=int, default=50_000, help="measured requests (at most)")
    parser.add_argument("--timeout", type=float, default=10.0, help="per request, seconds")
    parser.add_argument("--expect-body", help="count any other response body as an error")
    args = parser.parse_args()
    if not 1 <= args.concurrency <= 256:
        parser.error("--concurrency must be between 1 and 256")

    run = Run(args)
    clients = [Client(run=run) for _ in range(args.concurrency)]
    for client in clients:
        client.start()
    for client in clients:
        # Every client stops by run.end; a request in flight ends by its timeout.
        client.join(timeout=args.warmup + args.seconds + args.timeout + 5)

    latencies = sorted(value for client in clients for value in client.latencies)
    statuses = sum((client.statuses for client in clients), Counter())
    last_finish = max((client.last_finish for client in clients), default=0.0)
    elapsed = max(last_finish - run.measure_from, 1e-9)
    ok = sum(statuses.get(code.strip(), 0) for code in args.ok_status.split(","))
    result = {
        "url": args.url,
        "concurrency": args.concurrency,
        "warmup_seconds": args.warmup,
        "measured_seconds": round(elapsed, 3),
        "requests": len(latencies),
        "errors": len(latencies) - ok,
        "statuses": dict(statuses),
        "requests_per_second": round(ok / elapsed, 1),
        "latency_ms": {
            name: round(percentile(latencies, pct) * 1000, 2)
            for name, pct in (("p50", 50), ("p95", 95), ("p99", 99), ("max", 100))
        },
    }
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
