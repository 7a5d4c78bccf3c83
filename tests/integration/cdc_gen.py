#!/usr/bin/env python3
"""Generates a Debezium change stream for cdc_test.sh and, independently of floe, what the
tables must hold afterwards: replays the changes on a dict (the current state, last change per key
wins) and lists every valid change (the audit trail).

Files changes-1.jsonl .. changes-N.jsonl (one run of the job each, in order): inserts ('c', and
'r' snapshot reads in the first), updates that may move a key to another region (the partition),
deletes, re-inserts of deleted keys, several changes of hot keys inside one file, envelopes with
and without the schema/payload wrapper, tombstones ('null' lines) after deletes, and bad records
(no op, unknown op 't', 'u' without after, 'd' without before, a null key, a wrong type in
after, broken JSON) that must change nothing.
"""
import argparse
import json
import random
from datetime import datetime, timezone

REGIONS = ["eu", "us", "ap"]


def iso(ms):
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"


def envelope(op, before, after, ts_ms, wrapped):
    body = {"before": before, "after": after, "op": op, "ts_ms": ts_ms,
            "source": {"connector": "postgresql", "db": "app", "table": "users"}}
    if wrapped:
        return {"schema": {"type": "struct", "name": "users.Envelope"}, "payload": body}
    return body


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--keys", type=int, default=300)
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--changes", type=int, default=1500, help="valid changes per file")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    live = {}  # user_id -> row
    audit = []
    bad = tombstones = 0
    ts_ms = 1764720000000
    serial = 0

    def row(key):
        nonlocal serial
        serial += 1
        return {"user_id": key, "name": f"user {key} v{serial}", "email": f"u{key}.{serial}@example.com",
                "region": rng.choice(REGIONS), "updated_at": iso(ts_ms)}

    hot = rng.sample(range(args.keys), 10)
    for n in range(1, args.files + 1):
        lines = []
        for _ in range(args.changes):
            ts_ms += rng.randint(1, 50)
            key = rng.choice(hot) if rng.random() < 0.2 else rng.randrange(args.keys)
            wrapped = rng.random() < 0.3
            if key not in live:
                op = "r" if n == 1 and rng.random() < 0.3 else "c"
                after = row(key)
                lines.append(envelope(op, None, after, ts_ms, wrapped))
                live[key] = after
                audit.append(dict(after, op=op, changed_at=iso(ts_ms)))
            elif rng.random() < 0.25:
                before = live.pop(key)
                lines.append(envelope("d", before, None, ts_ms, wrapped))
                audit.append(dict(before, op="d", changed_at=iso(ts_ms)))
                if rng.random() < 0.5:
                    lines.append(None)
                    tombstones += 1
            else:
                after = row(key)
                lines.append(envelope("u", live[key], after, ts_ms, wrapped))
                live[key] = after
                audit.append(dict(after, op="u", changed_at=iso(ts_ms)))
            if rng.random() < 0.01:
                some = row(rng.randrange(args.keys))
                broken = [
                    {"before": None, "after": some, "ts_ms": ts_ms},
                    {"before": None, "after": some, "op": "t", "ts_ms": ts_ms},
                    {"before": some, "after": None, "op": "u", "ts_ms": ts_ms},
                    {"before": None, "after": None, "op": "d", "ts_ms": ts_ms},
                    {"before": None, "after": dict(some, user_id=None), "op": "c", "ts_ms": ts_ms},
                    {"before": None, "after": dict(some, user_id="abc"), "op": "c", "ts_ms": ts_ms},
                    '{"before": null, "after": {"user_id": 1',
                ]
                lines.append(rng.choice(broken))
                bad += 1
        with open(f"{args.out}/changes-{n}.jsonl", "w") as f:
            for line in lines:
                f.write(("null" if line is None else line if isinstance(line, str) else json.dumps(line)) + "\n")
    with open(f"{args.out}/expected-current.jsonl", "w") as f:
        for key in sorted(live):
            f.write(json.dumps(live[key]) + "\n")
    with open(f"{args.out}/expected-audit.jsonl", "w") as f:
        for change in audit:
            change = dict(change)
            change.pop("region")
            f.write(json.dumps(change) + "\n")
    print(json.dumps({"changes": len(audit), "bad": bad, "tombstones": tombstones, "live": len(live)}))


if __name__ == "__main__":
    main()
