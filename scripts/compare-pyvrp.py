#!/usr/bin/env python3
"""Compare carerota with PyVRP on the Solomon VRPTW benchmark, in the same session.

    PYENV_VERSION=3.12.1 python scripts/compare-pyvrp.py \
        --dir ../shared/data/bench/solomon --filter 'C1*,R1*,RC1*' --seconds 10

Steps, for each instance matching `--filter` (comma-separated globs, letter case ignored):
1. PyVRP (the `pyvrp` package: a benchmark tool, never a dependency of carerota) solves the
   instance with the hierarchical objective, fewest vehicles first, then distance. `pyvrp.read`
   only reads VRPLIB files, so the classic Solomon text is parsed here and the model is built
   with `pyvrp.Model`: Euclidean distances scaled by 1000 (rounded; travel times rounded up, so
   a schedule PyVRP accepts stays feasible on exact distances), time windows and service times
   scaled alike, and a fixed cost per vehicle equal to the sum of all scaled distances, so that
   one vehicle fewer always beats any distance. `pyvrp.solve(..., stop=MaxRuntime(seconds),
   seed=1)`. The best solution is checked independently in double precision from the
   coordinates: each customer exactly once, capacity, time windows with service times, return
   to the depot by its due date, fleet size; its distance is recomputed the same way.
2. `carerota bench solomon --dir DIR --filter SAME --time-limit SECONDS --json` is run on the
   same instances; vehicles and distance are read from its JSON.
3. Prints per instance the best-known vehicles/distance and each engine's vehicles, distance
   and gap to the best-known distance, then a summary: total vehicles of each, the mean gap
   over the instances where each engine reaches the best-known vehicle count, and the mean gap
   over the instances where both do. `--json FILE` keeps the figures.

Exit status 1 if a PyVRP solution fails its check (or carerota reports a checker failure).
"""

import argparse
import csv
import fnmatch
import json
import math
import os
import subprocess
import sys
import time

SCALE = 1000
TOL = 1e-6


def parse_solomon(path):
    """Classic Solomon text: name, VEHICLE NUMBER CAPACITY, then one row per node (depot first)."""
    with open(path) as f:
        lines = [l.split() for l in f]
    vehicles = capacity = None
    nodes = []
    for i, toks in enumerate(lines):
        if toks[:2] == ["NUMBER", "CAPACITY"]:
            j = i + 1
            while not lines[j]:
                j += 1
            vehicles, capacity = int(lines[j][0]), int(lines[j][1])
        elif len(toks) == 7 and all(t.replace(".", "", 1).lstrip("-").isdigit() for t in toks):
            no, x, y, demand, ready, due, service = (float(t) for t in toks)
            nodes.append(dict(no=int(no), x=x, y=y, demand=demand, ready=ready, due=due,
                              service=service))
    assert vehicles and nodes and nodes[0]["no"] == 0, f"{path}: not a Solomon instance"
    return vehicles, capacity, nodes


def dist(a, b):
    return math.hypot(a["x"] - b["x"], a["y"] - b["y"])


def read_bks(directory):
    """Best-known vehicles and distance per instance from bks.csv or best_known.csv."""
    for name in ("bks.csv", "best_known.csv"):
        path = os.path.join(directory, name)
        if os.path.exists(path):
            out = {}
            with open(path) as f:
                for row in csv.DictReader(f):
                    inst = row.get("instance") or row.get("name")
                    v = row.get("bks_vehicles") or row.get("vehicles")
                    d = row.get("bks_distance") or row.get("distance")
                    out[inst.upper()] = (int(v), float(d))
            return out
    sys.exit(f"no bks.csv or best_known.csv in {directory}")


def solve_pyvrp(vehicles, capacity, nodes, seconds, seed):
    import pyvrp
    from pyvrp.stop import MaxRuntime

    m = pyvrp.Model()
    locs = [m.add_location(n["x"], n["y"]) for n in nodes]
    s = lambda v: int(round(v * SCALE))
    depot = nodes[0]
    m.add_depot(locs[0], tw_early=s(depot["ready"]), tw_late=s(depot["due"]))
    for n, loc in zip(nodes[1:], locs[1:]):
        m.add_client(loc, delivery=[s(n["demand"])], service_duration=s(n["service"]),
                     tw_early=s(n["ready"]), tw_late=s(n["due"]))
    total = 0
    for a, la in zip(nodes, locs):
        for b, lb in zip(nodes, locs):
            d = dist(a, b) * SCALE
            m.add_edge(la, lb, distance=int(round(d)), duration=int(math.ceil(d - 1e-9)))
            total += int(round(d))
    m.add_vehicle_type(num_available=vehicles, capacity=[s(capacity)], fixed_cost=total,
                       tw_early=s(depot["ready"]), tw_late=s(depot["due"]))
    t0 = time.monotonic()
    res = pyvrp.solve(m.data(), stop=MaxRuntime(seconds), seed=seed, display=False)
    elapsed = time.monotonic() - t0
    # A route's activities: start depot, clients (idx counts clients from 0), end depot.
    routes = [[a.idx + 1 for a in route if a.is_client()] for route in res.best.routes()]
    return routes, res.best.is_feasible(), res.best.distance() / SCALE, elapsed


def check(routes, vehicles, capacity, nodes):
    """Replays routes (lists of node indices) in double precision; returns (distance, errors)."""
    errors, seen, total = [], {}, 0.0
    depot = nodes[0]
    if len(routes) > vehicles:
        errors.append(f"{len(routes)} routes, fleet of {vehicles}")
    for r, route in enumerate(routes):
        load, t, prev = 0.0, depot["ready"], depot
        for i in route:
            n = nodes[i]
            if i in seen:
                errors.append(f"customer {n['no']} on routes {seen[i]} and {r}")
            seen[i] = r
            d = dist(prev, n)
            total += d
            t = max(t + d, n["ready"])
            if t > n["due"] + TOL:
                errors.append(f"route {r}: customer {n['no']} starts {t:.4f} > due {n['due']:g}")
            t += n["service"]
            load += n["demand"]
            prev = n
        d = dist(prev, depot)
        total += d
        t += d
        if t > depot["due"] + TOL:
            errors.append(f"route {r}: back at the depot {t:.4f} > due {depot['due']:g}")
        if load > capacity + TOL:
            errors.append(f"route {r}: load {load:g} > capacity {capacity}")
    missing = [nodes[i]["no"] for i in range(1, len(nodes)) if i not in seen]
    if missing:
        errors.append(f"customers not served: {missing}")
    return total, errors


def gap(d, bks):
    return (d - bks) / bks * 100.0


def mean(xs):
    return sum(xs) / len(xs) if xs else float("nan")


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--dir", default="../shared/data/bench/solomon",
                   help="directory of Solomon instances with bks.csv or best_known.csv "
                   "(default: ../shared/data/bench/solomon)")
    p.add_argument("--filter", default="*", help="comma-separated globs, e.g. 'C1*,R1*,RC1*'")
    p.add_argument("--seconds", type=float, default=10.0, help="time per instance, each engine")
    p.add_argument("--carerota", default=os.path.join(root, "target", "release", "carerota"))
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", metavar="FILE", help="write the figures here")
    args = p.parse_args()

    bks = read_bks(args.dir)
    globs = [g.strip().upper() for g in args.filter.split(",") if g.strip()]
    files = sorted(f for f in os.listdir(args.dir) if f.lower().endswith(".txt"))
    names = [os.path.splitext(f)[0] for f in files]
    chosen = [(n, f) for n, f in zip(names, files)
              if any(fnmatch.fnmatchcase(n.upper(), g) for g in globs)]
    if not chosen:
        sys.exit(f"--filter {args.filter!r} matches no instance in {args.dir}")

    rows, failed = {}, False
    for name, f in chosen:
        vehicles, capacity, nodes = parse_solomon(os.path.join(args.dir, f))
        routes, feasible, own, elapsed = solve_pyvrp(vehicles, capacity, nodes, args.seconds,
                                                     args.seed)
        distance, errors = check(routes, vehicles, capacity, nodes)
        if abs(distance - own) > 0.001 * (len(nodes) + len(routes)):
            errors.append(f"distance {distance:.4f} recomputed, PyVRP's own {own:.4f}")
        if not feasible:
            errors.append("PyVRP reports its best solution infeasible")
        bv, bd = bks[name.upper()]
        rows[name] = dict(instance=name, bks_vehicles=bv, bks_distance=bd,
                          pyvrp=dict(vehicles=len(routes), distance=distance,
                                     gap_percent=gap(distance, bd), time_s=elapsed,
                                     errors=errors))
        print(f"pyvrp {name}: {len(routes)} vehicles, {distance:.2f} in {elapsed:.1f} s"
              + (f"  CHECK FAILED: {errors}" if errors else ""), file=sys.stderr)
        failed |= bool(errors)

    cmd = [args.carerota, "bench", "solomon", "--dir", args.dir, "--filter", args.filter,
           "--time-limit", f"{args.seconds:g}", "--seed", str(args.seed), "--json"]
    print("+", " ".join(cmd), file=sys.stderr)
    out = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    for inst in out["instances"]:
        row = rows.get(inst["instance"])
        if row is None:
            continue
        row["carerota"] = dict(vehicles=inst["vehicles"], distance=inst["distance"],
                               gap_percent=gap(inst["distance"], row["bks_distance"]),
                               time_s=inst.get("time_s"), checked=inst.get("checked"))
        if inst.get("checked") is False:
            failed = True
    if out.get("summary", {}).get("checker_failures"):
        failed = True

    print(f"{'instance':<8} {'BKS veh':>7} {'BKS dist':>9} | {'PyVRP veh':>9} {'dist':>9} "
          f"{'gap %':>7} | {'carerota veh':>12} {'dist':>9} {'gap %':>7}")
    for name, _ in chosen:
        r = rows[name]
        pv, cr = r["pyvrp"], r.get("carerota")
        line = (f"{name:<8} {r['bks_vehicles']:>7} {r['bks_distance']:>9.2f} | "
                f"{pv['vehicles']:>9} {pv['distance']:>9.2f} {pv['gap_percent']:>7.2f} | ")
        line += (f"{cr['vehicles']:>12} {cr['distance']:>9.2f} {cr['gap_percent']:>7.2f}"
                 if cr else f"{'missing':>12}")
        if pv["errors"]:
            line += "  PyVRP CHECK FAILED"
        print(line)

    done = [rows[n] for n, _ in chosen if "carerota" in rows[n]]
    at_bks = lambda r, e: r[e]["vehicles"] <= r["bks_vehicles"]
    summary = dict(
        instances=len(done),
        seconds=args.seconds,
        bks_vehicles=sum(r["bks_vehicles"] for r in done),
        pyvrp_vehicles=sum(r["pyvrp"]["vehicles"] for r in done),
        carerota_vehicles=sum(r["carerota"]["vehicles"] for r in done),
    )
    for e in ("pyvrp", "carerota"):
        hit = [r for r in done if at_bks(r, e)]
        summary[f"{e}_at_bks_vehicles"] = len(hit)
        summary[f"{e}_mean_gap_percent_at_bks_vehicles"] = mean([r[e]["gap_percent"] for r in hit])
    both = [r for r in done if at_bks(r, "pyvrp") and at_bks(r, "carerota")]
    summary["both_at_bks_vehicles"] = len(both)
    for e in ("pyvrp", "carerota"):
        summary[f"{e}_mean_gap_percent_both"] = mean([r[e]["gap_percent"] for r in both])
    summary["pyvrp_check_failures"] = sum(bool(rows[n]["pyvrp"]["errors"]) for n, _ in chosen)

    s = summary
    print()
    print(f"{s['instances']} instances, {args.seconds:g} s each per engine")
    print(f"total vehicles: best known {s['bks_vehicles']}, PyVRP {s['pyvrp_vehicles']}, "
          f"carerota {s['carerota_vehicles']}")
    for e, label in (("pyvrp", "PyVRP"), ("carerota", "carerota")):
        print(f"{label}: best-known vehicle count on {s[e + '_at_bks_vehicles']} instances, "
              f"mean distance gap there {s[e + '_mean_gap_percent_at_bks_vehicles']:+.2f} %")
    print(f"both at the best-known vehicle count on {s['both_at_bks_vehicles']} instances: "
          f"mean gap PyVRP {s['pyvrp_mean_gap_percent_both']:+.2f} %, "
          f"carerota {s['carerota_mean_gap_percent_both']:+.2f} %")
    if s["pyvrp_check_failures"]:
        print(f"PyVRP solutions failing the check: {s['pyvrp_check_failures']}")

    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(instances=[rows[n] for n, _ in chosen], summary=summary), f, indent=2)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
