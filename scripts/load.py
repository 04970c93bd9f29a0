#!/usr/bin/env python3
"""Load test of `carerota serve` on loopback with oha, on a county-scale day.

Generates a county-scale scenario (`scenario generate --scale 22`), starts a server on a fresh
data folder, stores the scenario, plans its first day (profile `quick`), then drives three
routes at concurrency 1, 8 and 32 for --duration seconds each with oha:

- validate:        POST /v1/scenarios:validate (the county scenario, checked on the roads)
- status:          GET  /v1/plans/{id}?plan=false (polling a job)
- recommendations: POST /v1/plans/{id}/recommendations (a Rapid referral, options ranked)

and a soak of recommendations and status polling at concurrency 8 for --soak seconds, sampling
the server's resident memory (VmRSS) every 10 s. Prints a table and writes OUT/load.json with
throughput, p50/p95/p99 (ms), status codes, connection errors, and memory before and after.

Needs oha on PATH (`cargo install oha --locked`) and a release build
(`cargo build --release`). Usage:

    scripts/load.py [--duration 30] [--soak 300] [--out out/load] [--bin target/release/carerota]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def http(method, url, key=None, body=None):
    data = body.encode() if isinstance(body, str) else body
    req = urllib.request.Request(url, data=data, method=method)
    if key:
        req.add_header("Authorization", f"Bearer {key}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=600) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def oha(url, key, conc, seconds, method="GET", body_file=None):
    cmd = ["oha", "--no-tui", "--output-format", "json", "-z", f"{seconds}s", "-c", str(conc),
           "-m", method, "-H", f"Authorization: Bearer {key}"]
    if body_file:
        cmd += ["-T", "application/json", "-D", body_file]
    cmd.append(url)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    r = json.loads(out)
    summary = r.get("summary", {})
    pct = r.get("latencyPercentiles", {})
    codes = r.get("statusCodeDistribution", {})
    # Requests still in flight when the duration ran out are cut by oha itself: not errors of
    # the server, reported apart.
    errors = dict(r.get("errorDistribution", {}))
    cut = errors.pop("aborted due to deadline", 0)
    return {
        "requests_per_s": round(summary.get("requestsPerSec") or 0.0, 1),
        "p50_ms": round((pct.get("p50") or 0) * 1000, 1),
        "p95_ms": round((pct.get("p95") or 0) * 1000, 1),
        "p99_ms": round((pct.get("p99") or 0) * 1000, 1),
        "status": codes,
        "errors": errors,
        "cut_at_deadline": cut,
        "success_rate": summary.get("successRate"),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default=os.path.join(ROOT, "target/release/carerota"))
    ap.add_argument("--duration", type=int, default=30)
    ap.add_argument("--soak", type=int, default=300)
    ap.add_argument("--out", default=os.path.join(ROOT, "out/load"))
    ap.add_argument("--scale", default="22")
    ap.add_argument("--concurrency", default="1,8,32")
    ap.add_argument("--routes", default="validate,status,recommendations")
    args = ap.parse_args()
    if not shutil.which("oha"):
        sys.exit("oha not found: cargo install oha --locked")
    os.makedirs(args.out, exist_ok=True)
    county = os.path.join(args.out, f"county-x{args.scale}.json")
    if not os.path.exists(county):
        subprocess.run([args.bin, "scenario", "generate", "--area", "rutland", "--date", "2026-06-09",
                        "--seed", "7", "--scale", args.scale, "--out", county], check=True, cwd=ROOT)
    data = os.path.join(args.out, "data")
    shutil.rmtree(data, ignore_errors=True)
    keys = {}
    for role in ("manager", "scheduler"):
        keys[role] = subprocess.run([args.bin, "keys", "add", "--role", role, "--data", data],
                                    capture_output=True, text=True, check=True, cwd=ROOT).stdout.strip()
    log = open(os.path.join(args.out, "server.log"), "w")
    server = subprocess.Popen([args.bin, "serve", "--bind", "127.0.0.1:0", "--data", data],
                              stdout=subprocess.PIPE, stderr=log, text=True, cwd=ROOT)
    try:
        base = server.stdout.readline().strip().removeprefix("listening on ")
        while True:
            try:
                if http("GET", f"{base}/readyz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        text = open(county).read()
        status, sc = http("POST", f"{base}/v1/scenarios?name=county", keys["manager"], text)
        assert status == 201, (status, sc)
        t = time.time()
        status, job = http("POST", f"{base}/v1/plans", keys["manager"],
                           json.dumps({"scenario_id": sc["id"], "date": "2026-06-09", "profile": "quick"}))
        assert status == 202, (status, job)
        plan = job["id"]
        while True:
            status, j = http("GET", f"{base}/v1/plans/{plan}?plan=false", keys["manager"])
            if j["status"] in ("completed", "failed", "cancelled"):
                break
            time.sleep(1)
        assert j["status"] == "completed", j
        print(f"county plan {plan}: {time.time() - t:.1f} s, {sc['summary']['visits']} visits, "
              f"{sc['summary']['staff']} staff", file=sys.stderr)
        referral = json.load(open(os.path.join(ROOT, "api/examples/events/referral-rapid.json")))
        rec_body = os.path.join(args.out, "recommendations.json")
        with open(rec_body, "w") as f:
            json.dump({"now": "2026-06-09T11:00", "events": referral}, f)
        if "recommendations" in args.routes:
            status, probe = http("POST", f"{base}/v1/plans/{plan}/recommendations", keys["scheduler"],
                                 open(rec_body).read())
            assert status == 200, (status, probe)
        routes = {
            "validate": (f"{base}/v1/scenarios:validate", keys["manager"], "POST", county),
            "status": (f"{base}/v1/plans/{plan}?plan=false", keys["scheduler"], "GET", None),
            "recommendations": (f"{base}/v1/plans/{plan}/recommendations", keys["scheduler"], "POST", rec_body),
        }
        results = {"scenario": {"scale": args.scale, **sc["summary"]}, "runs": [], "soak": None}
        for name in args.routes.split(","):
            url, key, method, body = routes[name]
            for c in map(int, args.concurrency.split(",")):
                before = rss_kib(server.pid)
                r = oha(url, key, c, args.duration, method, body)
                r.update(route=name, concurrency=c, rss_before_mib=round(before / 1024, 1),
                         rss_after_mib=round(rss_kib(server.pid) / 1024, 1))
                results["runs"].append(r)
                print(f"{name:16} c={c:<3} {r['requests_per_s']:>8} req/s  p50 {r['p50_ms']:>7} ms  "
                      f"p95 {r['p95_ms']:>7} ms  p99 {r['p99_ms']:>7} ms  status {r['status']}  "
                      f"errors {r['errors']}  rss {r['rss_before_mib']} -> {r['rss_after_mib']} MiB")
        if args.soak > 0:
            samples = []
            stop = threading.Event()

            def sample():
                while not stop.is_set():
                    samples.append((round(time.time(), 1), round(rss_kib(server.pid) / 1024, 1)))
                    stop.wait(10)

            th = threading.Thread(target=sample)
            th.start()
            poll = threading.Thread(target=lambda: results.__setitem__(
                "soak_status", oha(routes["status"][0], keys["scheduler"], 4, args.soak)))
            poll.start()
            rec = oha(routes["recommendations"][0], keys["scheduler"], 8, args.soak, "POST", rec_body)
            poll.join()
            stop.set()
            th.join()
            samples.append((round(time.time(), 1), round(rss_kib(server.pid) / 1024, 1)))
            mem = [m for _, m in samples]
            results["soak"] = {"seconds": args.soak, "recommendations": rec, "rss_mib": samples,
                               "rss_first_mib": mem[0], "rss_last_mib": mem[-1], "rss_max_mib": max(mem)}
            print(f"soak {args.soak} s: recommendations c=8 {rec['requests_per_s']} req/s p95 {rec['p95_ms']} ms "
                  f"status {rec['status']}; status polling c=4 {results['soak_status']['requests_per_s']} req/s; "
                  f"rss {mem[0]} -> {mem[-1]} MiB (max {max(mem)})")
        with open(os.path.join(args.out, "load.json"), "w") as f:
            json.dump(results, f, indent=2)
        print(f"wrote {os.path.join(args.out, 'load.json')}")
    finally:
        server.terminate()
        server.wait(timeout=60)


if __name__ == "__main__":
    main()
