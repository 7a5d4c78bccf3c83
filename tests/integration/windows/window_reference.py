# The window test's input generator and its reference: the expected windows and late rows of
# a job over one file, computed row by row here, independently of floe. Usage:
#   window_reference.py gen OUT.jsonl COUNT KEYS SEED
#   window_reference.py ref IN.jsonl KIND SIZE SLIDE STEP GAP BOUND LATENESS OUT.jsonl LATE.txt
# (lengths in seconds; LATE.txt lists the 0-based line numbers of the late rows).
import json, random, sys
from datetime import datetime, timezone

# gen: events with ts (micros), location (some null), device_id, reading (long, some null),
# temperature (double, some null); mostly in order, some back within 10 s, some 40-100 s back.
def gen(path, count, keys, seed):
    rnd = random.Random(seed)
    now = 1757581200 * 1000000
    rows = []
    for i in range(count):
        now += rnd.randint(0, 400000)
        p = rnd.random()
        if p < 0.15:
            ts = now - rnd.randint(0, 9000000)
        elif p < 0.17:
            ts = now - rnd.randint(40000000, 100000000)
        else:
            ts = now
        row = {"ts": iso(ts),
               "location": None if rnd.random() < 0.05 else "loc-%d" % rnd.randint(0, keys - 1),
               "device_id": "dev-%d" % rnd.randint(0, 30),
               "reading": None if rnd.random() < 0.1 else rnd.randint(-100, 1000),
               "temperature": None if rnd.random() < 0.1 else round(rnd.uniform(-20, 40), 1)}
        rows.append(row)
    with open(path, "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")

def iso(micros):
    return datetime.fromtimestamp(micros // 1000000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + ".%06dZ" % (micros % 1000000)

def parse(text):
    d = datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    return int(d.timestamp()) * 1000000 + int(text[20:26])

S = 1000000

def windows_of(kind, t, size, slide, step):
    out = []
    if kind == "tumble":
        s = t // size * size
        out.append((s, s + size))
    elif kind == "hop":
        s = t // slide * slide
        while s > t - size:
            out.append((s, s + size))
            s -= slide
    elif kind == "cumulate":
        base = t // size * size
        e = base + step
        while e <= base + size:
            if t < e:
                out.append((base, e))
            e += step
    return out

class Agg:
    def __init__(self):
        self.n = 0; self.n_reading = 0; self.total = 0; self.temps = []; self.devices = set()
        self.low = None; self.high = None
    def add(self, r):
        self.n += 1
        if r["reading"] is not None:
            self.n_reading += 1; self.total += r["reading"]
        if r["temperature"] is not None:
            t = r["temperature"]
            self.low = t if self.low is None else min(self.low, t)
            self.high = t if self.high is None else max(self.high, t)
        if r["device_id"] is not None:
            self.devices.add(r["device_id"])
    def merge(self, o):
        self.n += o.n; self.n_reading += o.n_reading; self.total += o.total
        for v in (o.low, o.high):
            if v is not None:
                self.low = v if self.low is None else min(self.low, v)
                self.high = v if self.high is None else max(self.high, v)
        self.devices |= o.devices

def row_of(start, end, key, a):
    return {"window_start": iso(start), "window_end": iso(end), "location": key,
            "events": a.n, "readings": a.n_reading,
            "total": a.total if a.n_reading else None,
            "mean": (float(a.total) / a.n_reading) if a.n_reading else None,
            "coldest": a.low, "warmest": a.high, "devices": len(a.devices)}

def reference(path, kind, size, slide, step, gap, bound, lateness, out_path, late_path):
    rows = [json.loads(l) for l in open(path)]
    newest = None
    groups = {}
    sessions = {}  # key -> list of [start, end, Agg]
    late = []
    for line, r in enumerate(rows):
        t = parse(r["ts"])
        wm = None if newest is None else newest - bound
        def is_open(end):
            return wm is None or end + lateness > wm
        key = r["location"]
        if kind == "session":
            mine = [t, t + gap]
            lst = sessions.setdefault(key, [])
            touching = [s for s in lst if s[0] <= mine[1] and mine[0] <= s[1] and is_open(s[1])]
            if not touching and not is_open(mine[1]):
                late.append(line)
            else:
                a = Agg()
                for s in touching:
                    lst.remove(s)
                    mine[0] = min(mine[0], s[0]); mine[1] = max(mine[1], s[1]); a.merge(s[2])
                a.add(r)
                lst.append([mine[0], mine[1], a])
        else:
            taken = False
            for (s, e) in windows_of(kind, t, size, slide, step):
                if is_open(e):
                    taken = True
                    groups.setdefault((s, e, key), Agg()).add(r)
            if not taken:
                late.append(line)
        newest = t if newest is None else max(newest, t)
    with open(out_path, "w") as f:
        for (s, e, key), a in groups.items():
            f.write(json.dumps(row_of(s, e, key, a)) + "\n")
        for key, lst in sessions.items():
            for s, e, a in lst:
                f.write(json.dumps(row_of(s, e, key, a)) + "\n")
    with open(late_path, "w") as f:
        for line in late:
            f.write("%d\n" % line)

if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    else:
        _, _, path, kind, size, slide, step, gap, bound, lateness, out, late = sys.argv
        reference(path, kind, int(size) * S, int(slide) * S, int(step) * S, int(gap) * S,
                  int(bound) * S, int(lateness) * S, out, late)
