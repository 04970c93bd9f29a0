#!/usr/bin/env python3
"""Compare carerota's car routes with Valhalla's auto costing on the same OSM extract.

Valhalla (https://github.com/valhalla/valhalla, through its PyPI package `pyvalhalla`) is a
benchmark tool here, never a dependency: run this under the Python that has it installed, e.g.

    PYENV_VERSION=3.12.1 python scripts/compare-valhalla.py --trips 500

Steps:
 1. Build Valhalla's tiles from the extract, offline, into a cache directory outside the
    repository (default: $TMPDIR/carerota-valhalla/<first 16 hex of the extract's SHA-256>),
    reused while the extract is unchanged.
 2. Draw N random trips (seeded): pairs of uniform points in the extract's bounding box (read
    from the PBF header), each placed on the road network by carerota (within --snap-m).
 3. Ask carerota (`carerota graph trips`) and Valhalla (auto costing, no traffic data) for each
    trip between the same snapped points.
 4. Print the distance ratio (carerota / Valhalla) quantiles, the share within 5 %, the duration
    ratio quantiles, and the worst trips by distance with each path's roads (names, way ids),
    the ways only one of them uses, and Valhalla's own time along carerota's path, which tells
    whose rule keeps the paths apart (see `classify`).

`--json FILE` writes the figures and every trip as JSON (the test suite reads it).
Exit status 0; 2 when Valhalla is not installed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OSM = REPO.parent / "shared" / "data" / "osm" / "rutland-2022-07-20.osm.pbf"
if not DEFAULT_OSM.exists():
    DEFAULT_OSM = Path("/work/shared/data/osm/rutland-2022-07-20.osm.pbf")

# Edge attributes asked of Valhalla's trace_attributes for each path.
EDGE_ATTRIBUTES = [
    "edge.way_id",
    "edge.names",
    "edge.length",
    "edge.speed",
    "edge.road_class",
    "edge.use",
    "edge.surface",
    "edge.lane_count",
    "edge.destination_only",
    "edge.unpaved",
    "edge.speed_limit",
]

# The band the evidence sets for carerota's time over Valhalla's. Valhalla without traffic data
# drives a tagged road at its limit; the Department for Transport's free-flow speeds (Vehicle
# speed compliance statistics, table SPE0111) are 0.83 of the limit on 60 mph single
# carriageways up to the limit itself on 30 mph roads, so on tagged roads the ratio lies in
# 1.0-1.2; Valhalla's turn and junction costs (a few percent of a trip) lower it to about 0.95.
# Trips above the band drive lanes whose national limit carerota tempers (src/osm/speed.rs).
DURATION_BAND = (0.95, 1.2)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --- the PBF header's bounding box (a minimal protobuf reader) --------------------------------


def _varint(b: bytes, i: int) -> tuple[int, int]:
    v = shift = 0
    while True:
        byte = b[i]
        i += 1
        v |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return v, i
        shift += 7


def _fields(b: bytes):
    i = 0
    while i < len(b):
        key, i = _varint(b, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            v, i = _varint(b, i)
        elif wire == 2:
            n, i = _varint(b, i)
            v, i = b[i : i + n], i + n
        elif wire == 1:
            v, i = b[i : i + 8], i + 8
        elif wire == 5:
            v, i = b[i : i + 4], i + 4
        else:
            raise ValueError(f"protobuf wire type {wire}")
        yield num, v


def pbf_bbox(path: Path) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) from the OSMHeader block's HeaderBBox."""
    with path.open("rb") as f:
        (n,) = struct.unpack(">I", f.read(4))
        header = dict(_fields(f.read(n)))
        blob = dict(_fields(f.read(header[3])))
    data = zlib.decompress(blob[3]) if 3 in blob else blob[1]
    bbox = dict(_fields(dict(_fields(data))[1]))

    def sint(v: int) -> float:
        return ((v >> 1) ^ -(v & 1)) * 1e-9

    left, right, top, bottom = (sint(bbox[k]) for k in (1, 2, 3, 4))
    return min(left, right), min(top, bottom), max(left, right), max(top, bottom)


# --- Valhalla -------------------------------------------------------------------------------


def valhalla_actor(osm: Path, work: Path):
    import valhalla

    key = sha256(osm)[:16]
    d = (work / key).resolve()
    tiles = d / "tiles"
    config = d / "valhalla.json"
    done = d / "built"
    if not done.exists():
        tiles.mkdir(parents=True, exist_ok=True)
        cfg = valhalla.get_config(tile_extract="", tile_dir=tiles)
        cfg["mjolnir"]["concurrency"] = max(1, min(2, os.cpu_count() or 1))
        config.write_text(json.dumps(cfg))
        print(f"building Valhalla tiles from {osm.name} into {d} ...", file=sys.stderr)
        subprocess.run(
            [sys.executable, "-m", "valhalla", "valhalla_build_tiles", "-c", str(config), str(osm)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        done.write_text(valhalla.__version__)
    return valhalla.Actor(str(config)), valhalla.__version__


def vh_route(actor, a, b):
    req = {
        "locations": [{"lat": a[0], "lon": a[1]}, {"lat": b[0], "lon": b[1]}],
        "costing": "auto",
        "units": "kilometers",
        "directions_type": "none",
    }
    trip = actor.route(req)["trip"]
    summary = trip["summary"]
    return summary["length"] * 1000.0, summary["time"], summary["cost"], trip["legs"][0]["shape"]


def vh_edges(actor, shape):
    """Valhalla's edges along a path: an encoded polyline (str) or [lat, lon] pairs."""
    req = {
        "costing": "auto",
        "filters": {"attributes": EDGE_ATTRIBUTES, "action": "include"},
    }
    if isinstance(shape, str):
        req["encoded_polyline"] = shape
    else:
        req["shape"] = [{"lat": p[0], "lon": p[1]} for p in shape]
    for match in ("edge_walk", "map_snap"):
        try:
            return actor.trace_attributes(dict(req, shape_match=match))["edges"], match
        except Exception:  # noqa: BLE001 - the walk fails where paths leave Valhalla's edges
            continue
    return [], "none"


def vh_time_along(actor, shape):
    """Valhalla's own (time s, cost) along a path given as [lat, lon] pairs, or None."""
    req = {
        "costing": "auto",
        "shape": [{"lat": p[0], "lon": p[1]} for p in shape],
        "shape_match": "map_snap",
        "directions_type": "none",
    }
    try:
        summary = actor.trace_route(req)["trip"]["summary"]
        return summary["time"], summary["cost"]
    except Exception:  # noqa: BLE001
        return None


# --- carerota -------------------------------------------------------------------------------


def carerota_trips(binary: Path, osm: Path, pairs, snap_m: int, work: Path):
    csv = work / "pairs.csv"
    rows = ["id,from_lat,from_lon,to_lat,to_lon"]
    rows += [f"{i},{a[0]:.7f},{a[1]:.7f},{b[0]:.7f},{b[1]:.7f}" for i, (a, b) in enumerate(pairs)]
    csv.write_text("\n".join(rows) + "\n")
    out = subprocess.run(
        [str(binary), "graph", "trips", "--osm", str(osm), "--pairs", str(csv), "--snap-radius-m", str(snap_m)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)["trips"]


# --- comparison -----------------------------------------------------------------------------


def quantiles(values, qs=(0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)):
    v = sorted(values)
    if not v:
        return {}
    out = {}
    for q in qs:
        x = q * (len(v) - 1)
        lo, hi = math.floor(x), math.ceil(x)
        out[f"p{round(q * 100):02d}"] = v[lo] + (v[hi] - v[lo]) * (x - lo)
    return out


def runs(edges):
    """A path as runs of one road: [(label, km, class, way ids)]."""
    out = []
    for e in edges:
        names = e.get("names") or []
        label = names[0] if names else f"way {e.get('way_id')}"
        km = e.get("length", 0.0)
        if out and out[-1][0] == label:
            out[-1][1] += km
            out[-1][3].add(e.get("way_id"))
        else:
            out.append([label, km, e.get("road_class", "?"), {e.get("way_id")}])
    return out


def way_km(edges):
    km = {}
    for e in edges:
        km[e.get("way_id")] = km.get(e.get("way_id"), 0.0) + e.get("length", 0.0)
    return km


def describe_ways(edges, ways):
    """One line per way id: its name, then in brackets Valhalla's view of it (class, speed,
    limit, and the flags that may explain a difference), on either engine's path."""
    seen = {}
    for e in edges:
        w = e.get("way_id")
        if w in ways and w not in seen:
            flags = []
            if e.get("destination_only"):
                flags.append("destination-only")
            if e.get("unpaved"):
                flags.append("unpaved")
            if e.get("use") not in (None, "road"):
                flags.append(e.get("use"))
            names = e.get("names") or []
            seen[w] = (
                f"way {w} {names[0] if names else '(unnamed)'} [Valhalla: {e.get('road_class')}, "
                f"{e.get('speed')} km/h{', limit ' + str(e['speed_limit']) if e.get('speed_limit') else ''}"
                f"{', ' + ', '.join(flags) if flags else ''}] {ways[w]:.2f} km"
            )
    return list(seen.values())


def classify(trip):
    """Whose rule keeps the two paths apart (a first guess for the person reading), from the
    ways only one path uses and Valhalla's own time and cost along carerota's path:

    - `snap`: the paths share their roads but start or end on different edges;
    - `access` (turn restrictions, access-only ways, barriers): carerota's path uses a way
      Valhalla marks destination-only, Valhalla cannot follow carerota's path, Valhalla's cost
      along it is lower than along its own path (so only one of Valhalla's rules keeps it off),
      or Valhalla's cost along it exceeds its time by 5 minutes more than on its own path (the
      penalties Valhalla charges for destination-only and private ways, gates and U-turns);
    - `junction` (turn and manoeuvre costs): Valhalla drives carerota's path as fast as its
      own, but its turn and manoeuvre costs make it dearer;
    - `speed`: Valhalla is slower along carerota's path, so the two speed models disagree about
      which roads are faster.
    """
    only_c = {w for w, km in trip["only_carerota_ways"].items() if km >= 0.05}
    only_v = {w for w, km in trip["only_valhalla_ways"].items() if km >= 0.05}
    if not only_c and not only_v:
        return "snap"
    c_edges = trip["_c_edges"]
    if any(e.get("destination_only") for e in c_edges if e.get("way_id") in only_c):
        return "access"
    along = trip.get("valhalla_on_carerota_path")
    if along is None:
        return "access"
    time_s, cost = along
    if cost < trip["valhalla_cost"] * 0.999:
        return "access"
    if (cost - time_s) - (trip["valhalla_cost"] - trip["valhalla_duration_s"]) > 300:
        return "access"
    if time_s <= trip["valhalla_duration_s"] * 1.01:
        return "junction"
    return "speed"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--osm", type=Path, default=DEFAULT_OSM, help="the extract both engines route on")
    ap.add_argument("--trips", type=int, default=500, help="random trips between points on the roads")
    ap.add_argument("--seed", type=int, default=1, help="seed of the random trips")
    ap.add_argument("--carerota", type=Path, default=REPO / "target" / "release" / "carerota",
                    help="the carerota binary")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "carerota-valhalla",
                    help="folder for Valhalla's tiles (reused while the extract is unchanged) and the trips")
    ap.add_argument("--snap-m", type=int, default=300, help="how far a random point may be from a road")
    ap.add_argument("--worst", type=int, default=10, help="worst trips to list")
    ap.add_argument("--json", type=Path, help="write figures and trips here")
    args = ap.parse_args()

    try:
        import valhalla  # noqa: F401
    except ImportError:
        print("valhalla is not importable by this Python: pip install pyvalhalla (Python 3.12)", file=sys.stderr)
        return 2
    if not args.carerota.exists():
        print(f"{args.carerota} not found: cargo build --release first", file=sys.stderr)
        return 1

    args.work.mkdir(parents=True, exist_ok=True)
    actor, version = valhalla_actor(args.osm, args.work)
    min_lon, min_lat, max_lon, max_lat = pbf_bbox(args.osm)
    rng = random.Random(args.seed)

    # Draw pairs until N trips are placed on carerota's network (the corners of a county's
    # box are off its roads; those points are drawn again).
    trips, tried = [], 0
    while len(trips) < args.trips and tried < args.trips * 20:
        want = (args.trips - len(trips)) * 2 + 10
        pairs = [
            tuple((rng.uniform(min_lat, max_lat), rng.uniform(min_lon, max_lon)) for _ in range(2)) for _ in range(want)
        ]
        tried += want
        for t in carerota_trips(args.carerota, args.osm, pairs, args.snap_m, args.work):
            if "error" not in t and t["distance_m"] > 500 and len(trips) < args.trips:
                trips.append(t)

    results = []
    for n, t in enumerate(trips):
        a, b = t["from"], t["to"]
        try:
            v_m, v_s, v_cost, v_shape = vh_route(actor, a, b)
        except Exception as e:  # noqa: BLE001
            results.append({"trip": n, "from": a, "to": b, "valhalla_error": str(e)})
            continue
        v_edges, _ = vh_edges(actor, v_shape)
        c_edges, c_match = vh_edges(actor, t["geometry"])
        cw, vw = way_km(c_edges), way_km(v_edges)
        only_c = {w: k for w, k in cw.items() if w not in vw}
        only_v = {w: k for w, k in vw.items() if w not in cw}
        r = {
            "trip": n,
            "from": a,
            "to": b,
            "carerota_m": t["distance_m"],
            "carerota_s": t["duration_s"],
            "valhalla_m": v_m,
            "valhalla_duration_s": v_s,
            "valhalla_cost": v_cost,
            "distance_ratio": t["distance_m"] / v_m if v_m > 0 else float("nan"),
            "duration_ratio": t["duration_s"] / v_s if v_s > 0 else float("nan"),
            "carerota_match": c_match,
            "only_carerota_ways": only_c,
            "only_valhalla_ways": only_v,
            "_c_edges": c_edges,
            "_v_edges": v_edges,
        }
        results.append(r)

    ok = [r for r in results if "distance_ratio" in r and math.isfinite(r["distance_ratio"])]
    dist = [r["distance_ratio"] for r in ok]
    dur = [r["duration_ratio"] for r in ok]
    within = sum(abs(x - 1.0) <= 0.05 for x in dist) / len(ok) if ok else 0.0
    in_band = sum(DURATION_BAND[0] <= x <= DURATION_BAND[1] for x in dur) / len(ok) if ok else 0.0

    outside = [r for r in ok if abs(r["distance_ratio"] - 1.0) > 0.05]
    for r in outside:
        r["valhalla_on_carerota_path"] = vh_time_along(actor, trips[r["trip"]]["geometry"])
        r["cause"] = classify(r)
    causes = {}
    for r in outside:
        causes[r["cause"]] = causes.get(r["cause"], 0) + 1

    print(f"carerota vs Valhalla {version} (auto costing) on {args.osm.name}: {len(ok)} trips, seed {args.seed}")
    if len(ok) < len(results):
        print(f"  {len(results) - len(ok)} trip(s) Valhalla could not route")
    q = quantiles(dist)
    print("  distance ratio (carerota / Valhalla): " + "  ".join(f"{k} {v:.3f}" for k, v in q.items()))
    print(f"  within 5% of Valhalla's distance: {within:.1%} ({round(within * len(ok))} of {len(ok)})")
    q = quantiles(dur)
    print("  duration ratio (carerota / Valhalla): " + "  ".join(f"{k} {v:.3f}" for k, v in q.items()))
    print(f"  duration ratio within the band {DURATION_BAND[0]}-{DURATION_BAND[1]}: {in_band:.1%} "
          "(carerota drives at the DfT free-flow share of a limit, Valhalla at the limit: see DURATION_BAND)")
    print("  differences over 5% by cause (snap, access, junction, speed: see classify()): " + (", ".join(f"{k} {v}" for k, v in sorted(causes.items())) or "none"))

    worst = sorted(ok, key=lambda r: -abs(math.log(r["distance_ratio"])))[: args.worst]
    for r in worst:
        print(
            f"\n- trip {r['trip']} {r['from']} -> {r['to']}: carerota {r['carerota_m'] / 1000:.2f} km "
            f"{r['carerota_s'] / 60:.1f} min, Valhalla {r['valhalla_m'] / 1000:.2f} km "
            f"{r['valhalla_duration_s'] / 60:.1f} min (distance ratio {r['distance_ratio']:.3f}), cause: {r.get('cause', '-')}"
        )
        along = r.get("valhalla_on_carerota_path")
        if along is not None:
            print(
                f"  Valhalla along carerota's path: {along[0] / 60:.1f} min, cost {along[1]:.0f} s "
                f"(its own path: cost {r['valhalla_cost']:.0f} s; Valhalla's cost is time plus its penalties)"
            )
        for who, key in (("carerota", "_c_edges"), ("Valhalla", "_v_edges")):
            path = " > ".join(f"{lab} ({km:.1f} km)" for lab, km, _, _ in runs(r[key]) if km >= 0.05)
            print(f"  {who}: {path}")
        for who, ways, key in (
            ("only carerota", r["only_carerota_ways"], "_c_edges"),
            ("only Valhalla", r["only_valhalla_ways"], "_v_edges"),
        ):
            big = {w: k for w, k in ways.items() if k >= 0.05}
            lines = describe_ways(r[key], big)
            for line in lines[:8]:
                print(f"    {who}: {line}")
            if len(lines) > 8:
                print(f"    {who}: ... and {len(lines) - 8} more way(s)")

    if args.json:
        doc = {
            "valhalla_version": version,
            "osm": str(args.osm),
            "seed": args.seed,
            "trips": len(ok),
            "distance_ratio": quantiles(dist),
            "within_5pct": within,
            "duration_ratio": quantiles(dur),
            "duration_band": DURATION_BAND,
            "duration_in_band": in_band,
            "causes": causes,
            "results": [{k: v for k, v in r.items() if not k.startswith("_")} for r in results],
        }
        args.json.write_text(json.dumps(doc, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
