#!/usr/bin/env python3
"""Compare carerota with VROOM on one care day, on the same matrix and the same objective.

    PYENV_VERSION=3.12.1 python scripts/compare-vroom.py \
        --scenario data/scenarios/rutland-2026-06-09.json --date 2026-06-09 --seconds 10

Steps:
1. `carerota export vroom` writes the day as a VROOM problem on carerota's own travel matrix
   (vroom.json), the same day as a scenario without the two-person visits VROOM cannot express
   (scenario.json), and the ids of both (export.json).
2. VROOM (the `pyvroom` package: a benchmark tool, never a dependency of carerota) solves
   vroom.json with the time limit; its answer is checked here, independently of both engines:
   every route replayed on the matrix from its shift start (travel, windows, skills, breaks,
   shift end), every job at most once.
3. carerota plans scenario.json with the travel-only profile (travel and visits served, the
   objective VROOM optimises) in the same time (`--seconds`: the profile's search and MILP
   budgets are set to add up to it); its routes' travel is recomputed on the same matrix.

Prints visits served, travel hours and distance for both, and the ratio; `--json FILE` keeps
the figures. Exit status 1 if either answer fails its check.
"""

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from profiles import timed_profile  # noqa: E402


def run(cmd, **kw):
    print("+", " ".join(str(c) for c in cmd), file=sys.stderr)
    return subprocess.run(cmd, check=True, **kw)


def earliest_start(t, windows):
    """The earliest start at or after `t` inside one of `windows`, or None."""
    starts = [max(t, a) for a, b in (windows or [[0, 2**62]]) if max(t, a) <= b]
    return min(starts) if starts else None


def check_vroom(problem, routes):
    """Replays VROOM's routes on the problem; returns (served ids, travel s, distance m, errors)."""
    durations = problem["matrices"]["car"]["durations"]
    distances = problem["matrices"]["car"]["distances"]
    jobs = {j["id"]: j for j in problem["jobs"]}
    vehicles = {v["id"]: v for v in problem["vehicles"]}
    served, errors = set(), []
    travel = distance = 0
    for vid, steps in routes.items():
        v = vehicles[vid]
        skills = set(v.get("skills", []))
        t, loc = v["time_window"][0], v["start_index"]
        breaks = {b["id"]: b for b in v.get("breaks", [])}
        for kind, sid in steps:
            if kind == "job":
                j = jobs[sid]
                if sid in served:
                    errors.append(f"job {sid} served twice")
                served.add(sid)
                if not set(j.get("skills", [])) <= skills:
                    errors.append(f"job {sid} on vehicle {vid} without its skills")
                travel += durations[loc][j["location_index"]]
                distance += distances[loc][j["location_index"]]
                t += durations[loc][j["location_index"]]
                loc = j["location_index"]
                start = earliest_start(t, j.get("time_windows"))
                if start is None:
                    errors.append(f"job {sid} on vehicle {vid} starts after its window ({t})")
                    start = t
                t = start + j.get("service", 0)
            elif kind == "break":
                b = breaks[sid]
                start = earliest_start(t, b.get("time_windows"))
                if start is None:
                    errors.append(f"break of vehicle {vid} after its window ({t})")
                    start = t
                t = start + b.get("service", 0)
        travel += durations[loc][v["end_index"]]
        distance += distances[loc][v["end_index"]]
        t += durations[loc][v["end_index"]]
        if t > v["time_window"][1]:
            errors.append(f"vehicle {vid} back at {t}, after its shift end {v['time_window'][1]}")
    return served, travel, distance, errors


def solve_vroom(path, seconds, threads, exploration):
    import vroom

    problem = vroom.Input.from_json(path)
    t0 = time.monotonic()
    sol = problem.solve(
        exploration_level=exploration,
        nb_threads=threads,
        timeout=dt.timedelta(seconds=seconds),
    )
    elapsed = time.monotonic() - t0
    df = sol.routes
    routes = {}
    for row in df.itertuples(index=False):
        kind = str(row.type)
        if kind in ("job", "break"):
            routes.setdefault(int(row.vehicle_id), []).append((kind, int(row.id)))
    return routes, elapsed


def check_carerota(plan, meta, problem):
    """Recomputes carerota's travel on the exported matrix; returns (served, travel, dist, errors)."""
    durations = problem["matrices"]["car"]["durations"]
    distances = problem["matrices"]["car"]["distances"]
    loc_of_visit = {j["visit"]: j["location_index"] for j in meta["jobs"]}
    ends_of_staff = {v["staff"]: (v["start_index"], v["end_index"]) for v in meta["vehicles"]}
    served, errors = set(), []
    travel = distance = 0
    for r in plan["routes"]:
        if not r["stops"]:
            continue
        start, end = ends_of_staff[r["staff"]]
        loc = start
        for s in r["stops"]:
            v = s["visit"]
            if v not in loc_of_visit:
                errors.append(f"visit {v} is not in the exported problem")
                continue
            if v in served:
                errors.append(f"visit {v} served twice")
            served.add(v)
            travel += durations[loc][loc_of_visit[v]]
            distance += distances[loc][loc_of_visit[v]]
            loc = loc_of_visit[v]
        travel += durations[loc][end]
        distance += distances[loc][end]
    return served, travel, distance, errors


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--date", required=True)
    ap.add_argument("--seconds", type=float, default=10.0, help="time for each engine")
    ap.add_argument("--carerota", default="target/release/carerota")
    ap.add_argument("--config", default="solver-configs/travel-only.toml")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--exploration", type=int, default=5, help="VROOM's -x (0-5)")
    ap.add_argument("--work", help="folder for the files (default: a temporary one)")
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args()

    work = args.work or tempfile.mkdtemp(prefix="compare-vroom-")
    os.makedirs(work, exist_ok=True)
    run([args.carerota, "export", "vroom", "--scenario", args.scenario, "--date", args.date,
         "--config", args.config, "--out", work])
    with open(os.path.join(work, "vroom.json")) as f:
        problem = json.load(f)
    with open(os.path.join(work, "export.json")) as f:
        meta = json.load(f)

    routes, vroom_s = solve_vroom(os.path.join(work, "vroom.json"), args.seconds, args.threads, args.exploration)
    v_served, v_travel, v_dist, v_errors = check_vroom(problem, routes)

    # carerota with the same budget: search + MILP = --seconds (the MILP keeps a fifth).
    timed = os.path.join(work, "travel-only-timed.toml")
    timed_profile(args.config, args.seconds, timed)
    out = os.path.join(work, "carerota")
    t0 = time.monotonic()
    run([args.carerota, "plan", "--scenario", os.path.join(work, "scenario.json"), "--date", args.date,
         "--config", timed, "--out", out], stdout=subprocess.DEVNULL)
    carerota_s = time.monotonic() - t0
    with open(os.path.join(out, "plan.json")) as f:
        plan = json.load(f)
    c_served, c_travel, c_dist, c_errors = check_carerota(plan, meta, problem)
    checked = plan.get("objective", {})
    if checked.get("travel_s") is not None and checked["travel_s"] != c_travel:
        c_errors.append(f"plan.json says {checked['travel_s']} s of travel, the matrix gives {c_travel} s")

    n_jobs = len(problem["jobs"])
    rows = [
        ("VROOM", len(v_served), v_travel, v_dist, vroom_s, v_errors),
        ("carerota", len(c_served), c_travel, c_dist, carerota_s, c_errors),
    ]
    print(f"\n{args.scenario} {args.date}: {n_jobs} one-person visits, {len(problem['vehicles'])} shifts "
          f"({meta['two_person_visits_left_out']} two-person visits left out, "
          f"{meta['soft_windows_written_hard']} soft windows written hard)")
    print(f"{'engine':10} {'served':>7} {'travel h':>9} {'km':>8} {'seconds':>8}  check")
    for name, served, travel, dist, secs, errors in rows:
        status = "ok" if not errors else f"{len(errors)} problem(s): {errors[:3]}"
        print(f"{name:10} {served:>7} {travel / 3600:>9.2f} {dist / 1000:>8.1f} {secs:>8.1f}  {status}")
    ratio = c_travel / v_travel if v_travel else float("nan")
    print(f"carerota travel / VROOM travel: {ratio:.3f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({
                "scenario": args.scenario, "date": args.date, "seconds": args.seconds, "jobs": n_jobs,
                "vroom": {"served": len(v_served), "travel_s": v_travel, "distance_m": v_dist,
                          "wall_s": vroom_s, "problems": v_errors},
                "carerota": {"served": len(c_served), "travel_s": c_travel, "distance_m": c_dist,
                             "wall_s": carerota_s, "problems": c_errors},
                "travel_ratio": ratio,
            }, f, indent=2)
    return 1 if v_errors or c_errors else 0


if __name__ == "__main__":
    sys.exit(main())
