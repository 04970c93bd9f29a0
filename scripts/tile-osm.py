#!/usr/bin/env python3
"""Write a large test road network: N x N copies of an OSM extract's roads, joined.

For the scale benchmark (`carerota bench graph --osm out/tiled-NxN.osm.pbf`): no extract of a
large county is on this machine, so one is made from a real one. Each copy keeps the extract's
`highway=*` ways and `place=*` nodes (so built-up areas stay), shifted by whole bounding boxes
east and north, with node and way ids offset by copy (ids stay unique, order stays sorted).
Neighbouring copies are joined by two-way `highway=primary` links between the three two-way
A/B-road nodes nearest their shared edge on each side, so the copies form one strongly
connected network, as the counties of a region do.

Needs osmium-tool (`apt-get install osmium-tool`). The output goes under out/ (never committed).

    python3 scripts/tile-osm.py --tiles 6 --out out/tiled-6x6.osm.pbf
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OSM = Path("/work/shared/data/osm/rutland-2022-07-20.osm.pbf")
if (REPO.parent / "shared/data/osm/rutland-2022-07-20.osm.pbf").exists():
    DEFAULT_OSM = REPO.parent / "shared/data/osm/rutland-2022-07-20.osm.pbf"

# Ids of copy k are the original ids plus k * ID_STRIDE (OSM's ids are below 2^34).
ID_STRIDE = 1 << 34
LINK_CLASSES = {"primary", "secondary", "tertiary"}
LINKS_PER_EDGE = 3


def read_opl(osm: Path):
    """(nodes {id: (lon, lat, tags)}, ways [(id, tags, refs)]) of the highway ways and places."""
    filtered = subprocess.run(
        ["osmium", "tags-filter", str(osm), "w/highway", "n/place", "-f", "opl", "-o", "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    nodes, ways = {}, []
    for line in filtered.splitlines():
        fields = {f[0]: f[1:] for f in line.split(" ") if f}
        if line.startswith("n"):
            nodes[int(fields["n"])] = (float(fields["x"]), float(fields["y"]), fields.get("T", ""))
        elif line.startswith("w"):
            refs = [int(r[1:]) for r in fields.get("N", "").split(",") if r]
            ways.append((int(fields["w"]), fields.get("T", ""), refs))
    return nodes, ways


def tag(tags: str, key: str) -> str | None:
    for kv in tags.split(","):
        k, _, v = kv.partition("=")
        if k == key:
            return v
    return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--osm", type=Path, default=DEFAULT_OSM)
    ap.add_argument("--tiles", type=int, required=True, help="N: N x N copies")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    n = args.tiles
    nodes, ways = read_opl(args.osm)
    lons = [v[0] for v in nodes.values()]
    lats = [v[1] for v in nodes.values()]
    width, height = max(lons) - min(lons), max(lats) - min(lats)

    # Candidate link ends: nodes of two-way A/B/C roads (every one is on the main network).
    two_way = set()
    for _, tags, refs in ways:
        if tag(tags, "highway") in LINK_CLASSES and tag(tags, "oneway") in (None, "no") and not tag(tags, "junction"):
            two_way.update(r for r in refs if r in nodes)
    ends = {
        "east": sorted(two_way, key=lambda r: -nodes[r][0])[:LINKS_PER_EDGE],
        "west": sorted(two_way, key=lambda r: nodes[r][0])[:LINKS_PER_EDGE],
        "north": sorted(two_way, key=lambda r: -nodes[r][1])[:LINKS_PER_EDGE],
        "south": sorted(two_way, key=lambda r: nodes[r][1])[:LINKS_PER_EDGE],
    }
    ends["east"].sort(key=lambda r: nodes[r][1])
    ends["west"].sort(key=lambda r: nodes[r][1])
    ends["north"].sort(key=lambda r: nodes[r][0])
    ends["south"].sort(key=lambda r: nodes[r][0])

    def copy(i: int, j: int) -> int:
        return i * n + j

    node_lines, way_lines = [], []
    for i in range(n):
        for j in range(n):
            k = copy(i, j)
            off = k * ID_STRIDE
            dx, dy = i * width, j * height
            for nid, (lon, lat, tags) in nodes.items():
                node_lines.append((nid + off, f"n{nid + off} v1 x{lon + dx:.7f} y{lat + dy:.7f} T{tags}"))
            for wid, tags, refs in ways:
                nrefs = ",".join(f"n{r + off}" for r in refs)
                way_lines.append((wid + off, f"w{wid + off} v1 T{tags} N{nrefs}"))
    # Links: copy (i, j) to (i + 1, j) east-west, and to (i, j + 1) north-south.
    link_id = (n * n + 1) * ID_STRIDE
    for i in range(n):
        for j in range(n):
            k = copy(i, j)
            pairs = []
            if i + 1 < n:
                pairs.append((k, copy(i + 1, j), "east", "west"))
            if j + 1 < n:
                pairs.append((k, copy(i, j + 1), "north", "south"))
            for a, b, side_a, side_b in pairs:
                for ra, rb in zip(ends[side_a], ends[side_b]):
                    link_id += 1
                    refs = f"n{ra + a * ID_STRIDE},n{rb + b * ID_STRIDE}"
                    way_lines.append((link_id, f"w{link_id} v1 Thighway=primary,name=Tile%20%link N{refs}"))
    node_lines.sort()
    way_lines.sort()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    opl = "\n".join(line for _, line in node_lines + way_lines) + "\n"
    subprocess.run(
        ["osmium", "cat", "-F", "opl", "-", "-o", str(args.out), "--overwrite"],
        input=opl,
        check=True,
        text=True,
    )
    print(
        f"{args.out}: {n}x{n} copies of {args.osm.name}, {len(node_lines)} nodes, {len(way_lines)} ways",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
