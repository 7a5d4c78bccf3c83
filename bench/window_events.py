#!/usr/bin/env python3
"""Window benchmark input (bench/window_bench.sh, bench/rss_flat.sh): COUNT JSON-lines events of
KEYS users (user-N) spread evenly over MINUTES minutes from 2025-09-11T09:00:00Z, each up to 2 s
behind its place (a little out of order), with a long `value` and a double `amount`. The same
arguments give the same bytes (seeded).

    python3 bench/window_events.py PATH COUNT KEYS MINUTES
"""
import random, sys, time
path, count, keys, minutes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rnd = random.Random(42)
start = 1757581200 * 1000000
span = minutes * 60 * 1000000
with open(path, "w") as out:
    lines = []
    for i in range(count):
        t = start + i * span // count - rnd.randint(0, 2000000)
        s, us = divmod(t, 1000000)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(s))
        lines.append('{"ts":"%s.%06dZ","user_id":"user-%d","value":%d,"amount":%.2f}\n'
                     % (stamp, us, rnd.randrange(keys), rnd.randrange(1000), rnd.random() * 100))
        if len(lines) == 100000:
            out.write("".join(lines))
            lines = []
    out.write("".join(lines))
