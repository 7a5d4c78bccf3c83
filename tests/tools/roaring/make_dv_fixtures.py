#!/usr/bin/env python3
"""Writes tests/unit/iceberg/testdata/roaring64_pyroaring.json: portable Roaring64 bitmaps made by
pyroaring (CRoaring), an implementation floe did not write, for DeletionVector's golden tests.

Each case lists its positions as half-open ranges [start, end), the bitmap's bytes in hex
(`roaring64`), and the whole deletion-vector-v1 blob (`blob`: 4-byte big-endian length of magic +
vector, magic D1 D3 39 64, vector, CRC-32 big-endian over magic + vector) built here with zlib.

Regenerate (pinned, in a throwaway venv):
  python3 -m venv /tmp/roaring-venv && /tmp/roaring-venv/bin/pip install pyroaring==1.2.0
  /tmp/roaring-venv/bin/python tests/tools/roaring/make_dv_fixtures.py > \
      tests/unit/iceberg/testdata/roaring64_pyroaring.json
"""
import json
import struct
import zlib

import pyroaring
from pyroaring import BitMap64

assert pyroaring.__version__ == "1.2.0", pyroaring.__version__

MAGIC = bytes([0xD1, 0xD3, 0x39, 0x64])

# name, ranges, run_optimize: whether CRoaring may turn containers into run containers.
CASES = [
    ("empty", [], False),
    ("sparse", [[0, 1], [5, 6], [65535, 65537], [1000000, 1000001]], False),
    ("bitmap_container", [[10, 5010], [70000, 70003]], False),
    ("array_limit", [[0, 8192, 2]], False),  # 4096 members: still an array
    ("two_high_keys", [[3, 4], [(1 << 32) + 7, (1 << 32) + 9], [(5 << 32), (5 << 32) + 1]], False),
    ("runs_few_containers", [[100, 200], [65536 + 5, 65536 + 40000]], True),
    ("runs_many_containers", [[0, 300000], [400000, 400001], [(2 << 32) + 1, (2 << 32) + 70000]],
     True),
]


def expand(ranges):
    for r in ranges:
        step = r[2] if len(r) > 2 else 1
        yield from range(r[0], r[1], step)


def main():
    out = []
    for name, ranges, run_optimize in CASES:
        bitmap = BitMap64()
        for position in expand(ranges):
            bitmap.add(position)
        if run_optimize:
            bitmap.run_optimize()
        vector = bitmap.serialize()
        body = MAGIC + vector
        blob = struct.pack(">I", len(body)) + body + struct.pack(">I", zlib.crc32(body))
        out.append({"name": name, "ranges": ranges, "run_optimized": run_optimize,
                    "cardinality": len(bitmap), "roaring64": vector.hex(), "blob": blob.hex()})
    print(json.dumps({"generator": "pyroaring " + pyroaring.__version__, "cases": out}, indent=1))


if __name__ == "__main__":
    main()
