#!/usr/bin/env python3
"""The standard care-day benchmark: plan the default Rutland day, a county-scale day and a week
with one or two carerota binaries, in the same run, and print what each plan achieved.

    python3 scripts/bench-care-days.py --seconds 10,60
    python3 scripts/bench-care-days.py --baseline /path/to/older/carerota --seconds 10

The inputs (generated once into --work, deterministic for their seeds):
- `rutland`: data/scenarios/rutland-2026-06-09.json, the manager's demo day (86 visits);
- `county`: `scenario generate --area rutland --scale 22 --seed 7`, a county's volume on the
  Rutland map (about 1,650 visits and 570 shifts);
- `week`: `scenario generate --area rutland --days 7 --seed 3`, planned day after day with each
  day's plan carried into the next (`plan --days 7`).

Each binary plans each input with solver-configs/default.toml, its search and route-pool MILP
budgets set to add up to each of --seconds (the MILP keeps a fifth), then `carerota check`
reads every plan back. Printed per run: visits, staff and shifts, served, unplaced (proved to
have no place / undecided), search failures the final repair pass placed, travel hours, the
objective, wall-clock seconds and the checker's verdict. `--json FILE` keeps the figures.
Exit status 1 when a plan fails its check.
"""

import argparse
import glob
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
from profiles import timed_profile  # noqa: E402

ROOT = os.path.dirname(HERE)
DATE = "2026-06-09"


def run(cmd, **kw):
    print("+", " ".join(str(c) for c in cmd), file=sys.stderr)
    return subprocess.run(cmd, check=True, **kw)


def inputs(binary, work):
    """The three inputs: name -> (scenario path, days)."""
    county = os.path.join(work, "county.json")
    week = os.path.join(work, "week.json")
    if not os.path.exists(county):
        run([binary, "scenario", "generate", "--area", "rutland", "--date", DATE, "--scale", "22",
             "--seed", "7", "--out", county], cwd=ROOT)
    if not os.path.exists(week):
        run([binary, "scenario", "generate", "--area", "rutland", "--date", DATE, "--days", "7",
             "--seed", "3", "--out", week], cwd=ROOT)
    return {
        "rutland": (os.path.join(ROOT, "data/scenarios/rutland-2026-06-09.json"), 1),
        "county": (county, 1),
        "week": (week, 7),
    }


def plan_files(out, days):
    """The plan.json files a `plan` run wrote (one per date with --days)."""
    if days == 1:
        return [os.path.join(out, "plan.json")]
    return sorted(glob.glob(os.path.join(out, "*", "plan.json")))


def figures(plans):
    """Sums over the plans of one run."""
    f = dict(visits=0, staff=0, shifts=0, served=0, unplaced=0, proved=0, undecided=0,
             failures_placed=0, travel_h=0.0, objective=0)
    for path in plans:
        with open(path) as fh:
            p = json.load(fh)
        o, s = p["objective"], p.get("solver") or {}
        f["visits"] += o["visits"]
        f["staff"] += o.get("staff_on_shift", 0)
        f["shifts"] += o.get("shifts", 0)
        f["served"] += o["visits_served"]
        f["unplaced"] += o["visits_unplaced"]
        f["proved"] += s.get("unplaced_proved", 0)
        f["undecided"] += s.get("unplaced_undecided", 0)
        f["failures_placed"] += s.get("search_failures_placed", 0)
        f["travel_h"] += o["travel_s"] / 3600.0
        f["objective"] += o["total"]
    return f


def check(binary, scenario, plans, config):
    """True when `carerota check` accepts every plan."""
    ok = True
    for path in plans:
        r = subprocess.run([binary, "check", "--scenario", scenario, "--plan", path, "--config", config],
                           cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            print(f"check failed for {path}: {r.stderr.strip()}", file=sys.stderr)
            ok = False
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--carerota", default=os.path.join(ROOT, "target/release/carerota"))
    ap.add_argument("--baseline", help="a second binary, run on the same inputs just before")
    ap.add_argument("--seconds", default="10", help="comma-separated budgets per plan, e.g. 10,60")
    ap.add_argument("--only", default="rutland,county,week", help="comma-separated inputs")
    ap.add_argument("--work", default=os.path.join(ROOT, "out", "bench-care-days"))
    ap.add_argument("--config", default=os.path.join(ROOT, "solver-configs/default.toml"))
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args()

    os.makedirs(args.work, exist_ok=True)
    ins = inputs(args.carerota, args.work)
    binaries = ([("baseline", args.baseline)] if args.baseline else []) + [("carerota", args.carerota)]
    rows, failed = [], False
    for name in args.only.split(","):
        scenario, days = ins[name]
        for seconds in [float(x) for x in args.seconds.split(",")]:
            profile = os.path.join(args.work, f"default-{seconds:g}s.toml")
            timed_profile(args.config, seconds, profile)
            for label, binary in binaries:
                out = os.path.join(args.work, f"{name}-{seconds:g}s-{label}")
                cmd = [binary, "plan", "--scenario", scenario, "--date", DATE, "--config", profile, "--out", out]
                if days > 1:
                    cmd += ["--days", str(days)]
                t0 = time.monotonic()
                run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL)
                wall = time.monotonic() - t0
                plans = plan_files(out, days)
                ok = check(binary, scenario, plans, profile)
                failed |= not ok
                row = dict(input=name, seconds=seconds, binary=label, wall_s=wall, checked=ok, **figures(plans))
                rows.append(row)

    print(f"{'input':8} {'budget':>6} {'binary':9} {'visits':>6} {'staff':>5} {'shifts':>6} {'served':>6} "
          f"{'unplaced':>8} {'proved':>6} {'undec':>5} {'fixed':>5} {'travel_h':>8} {'objective':>14} "
          f"{'wall_s':>6} check")
    for r in rows:
        print(f"{r['input']:8} {r['seconds']:>5g}s {r['binary']:9} {r['visits']:>6} {r['staff']:>5} "
              f"{r['shifts']:>6} {r['served']:>6} {r['unplaced']:>8} {r['proved']:>6} {r['undecided']:>5} "
              f"{r['failures_placed']:>5} {r['travel_h']:>8.1f} {r['objective']:>14} {r['wall_s']:>6.1f} "
              f"{'ok' if r['checked'] else 'FAILED'}")
    print("staff and shifts are summed over the days of a week; 'fixed': search failures the final "
          "repair pass placed; wall_s includes reading the map and the matrix")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rows": rows}, f, indent=1)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
