#!/usr/bin/env python3
"""Writes seeds/osm_pbf/tiny.osm.pbf: a made-up OSM PBF (not OpenStreetMap data) with a header
block, three dense nodes (one a tagged village), one residential way through them and one
footway (not drivable). Standard library only; run from tests/fuzz/ to regenerate the seed."""
import struct
import zlib


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def zigzag(n):
    return (n << 1) ^ (n >> 63)


def key(field, wire):
    return varint(field << 3 | wire)


def uint(field, n):
    return key(field, 0) + varint(n)


def sint(field, n):
    return key(field, 0) + varint(zigzag(n))


def blob(field, data):
    return key(field, 2) + varint(len(data)) + data


def packed(field, values, enc=varint):
    return blob(field, b"".join(enc(v) for v in values))


def delta(values):
    return [b - a for a, b in zip([0] + values[:-1], values)]


def block(kind, payload):
    body = uint(2, len(payload)) + blob(3, zlib.compress(payload))
    header = blob(1, kind.encode()) + uint(3, len(body))
    return struct.pack(">I", len(header)) + header + body


STRINGS = ["", "highway", "residential", "name", "Seed Lane", "place", "village", "Seedby", "footway"]
S = {s: i for i, s in enumerate(STRINGS)}

bbox = sint(1, -740_000_000) + sint(2, -730_000_000) + sint(3, 52_680_000_000) + sint(4, 52_660_000_000)
header = blob(1, bbox) + blob(4, b"OsmSchema-V0.6") + blob(4, b"DenseNodes")

ids = [1, 2, 3]
lats = [526_700_000, 526_705_000, 526_710_000]  # 1e-7 degrees (granularity 100)
lons = [-7_370_000, -7_360_000, -7_350_000]
keys_vals = [0, 0, S["place"], S["village"], S["name"], S["Seedby"], 0]
dense = (
    packed(1, delta(ids), lambda v: varint(zigzag(v)))
    + packed(8, delta(lats), lambda v: varint(zigzag(v)))
    + packed(9, delta(lons), lambda v: varint(zigzag(v)))
    + packed(10, keys_vals)
)
road = uint(1, 10) + packed(2, [S["highway"], S["name"]]) + packed(3, [S["residential"], S["Seed Lane"]])
road += packed(8, delta([1, 2, 3]), lambda v: varint(zigzag(v)))
path = uint(1, 11) + packed(2, [S["highway"]]) + packed(3, [S["footway"]])
path += packed(8, delta([3, 1]), lambda v: varint(zigzag(v)))
group_nodes = blob(2, dense)
group_ways = blob(3, road) + blob(3, path)
table = b"".join(blob(1, s.encode()) for s in STRINGS)
data = blob(1, table) + blob(2, group_nodes) + blob(2, group_ways)

with open("seeds/osm_pbf/tiny.osm.pbf", "wb") as f:
    f.write(block("OSMHeader", header) + block("OSMData", data))
