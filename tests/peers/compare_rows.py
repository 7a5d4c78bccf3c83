"""Compares the rows a reader printed with the expected rows of a table, order aside.

    compare_rows.py METADATA_JSON EXPECTED.jsonl GOT.jsonl [--reader NAME]

Both files are JSON lines. Each value is brought into one form by its column's type in the
table's current schema (METADATA_JSON; a file:// location is fine), so that "2025-09-11 09:01:12Z"
and "2025-09-11T09:01:12.000000+00:00" compare equal, as do 1.5 and "1.50" in a decimal(9,2)
column; floats compare at 32-bit precision and the sign of a zero is ignored, as
../shared/peer/verify-table.mjs does. Exits 1 listing up to 5 missing and 5 unexpected rows.
Standard library only.
"""

import argparse
import collections
import datetime
import decimal
import json
import re
import struct
import sys

TIMESTAMP = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)?$")
EPOCH = datetime.datetime(1970, 1, 1)
decimal.getcontext().prec = 80  # decimal(38, s) and beyond, exactly


def micros_of_timestamp(text):
    match = TIMESTAMP.match(text)
    if not match:
        raise ValueError(f"not a timestamp: {text!r}")
    day, hour, minute, second, fraction, zone = match.groups()
    moment = datetime.datetime.fromisoformat(f"{day}T{hour}:{minute}:{second}")
    micros = (moment - EPOCH) // datetime.timedelta(microseconds=1)
    micros += int(((fraction or "") + "000000")[:6])
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) > 2 else 0)
        micros -= sign * offset * 60_000_000
    return micros


def canon(kind, value):
    if value is None:
        return None
    if isinstance(kind, dict):  # nested: compared as JSON
        return json.dumps(value, sort_keys=True)
    if kind == "boolean":
        return value if isinstance(value, bool) else str(value).lower() == "true"
    if kind in ("int", "long"):
        return str(int(value))
    if kind in ("float", "double"):
        number = float(value) + 0.0  # -0.0 + 0.0 is 0.0
        if kind == "float":
            number = struct.unpack("<f", struct.pack("<f", number))[0]
        return repr(number)
    if kind.startswith("decimal"):
        scale = int(re.search(r",\s*(\d+)\)", kind).group(1))
        return str(decimal.Decimal(str(value)).quantize(decimal.Decimal(1).scaleb(-scale)))
    if kind in ("timestamp", "timestamptz", "timestamp_ns", "timestamptz_ns"):
        if isinstance(value, (int, float)):
            return int(value)
        return micros_of_timestamp(str(value))
    if kind == "date":
        return str(value)[:10]
    if kind == "time":
        text = str(value)
        whole, _, fraction = text.partition(".")
        return whole + "." + (fraction + "000000")[:6]
    if kind == "uuid":
        return str(value).lower()
    if kind == "binary" or kind.startswith("fixed"):
        return str(value).lower()
    return str(value)


def read_rows(path, fields):
    rows = []
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                rows.append(json.dumps([canon(kind, row.get(name)) for name, kind in fields]))
            except (ValueError, TypeError, AttributeError) as error:
                sys.exit(f"compare_rows: {path}:{number}: {error}")
    return collections.Counter(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("metadata")
    parser.add_argument("expected")
    parser.add_argument("got")
    parser.add_argument("--reader", default="the reader")
    args = parser.parse_args()
    path = args.metadata[len("file://"):] if args.metadata.startswith("file://") else args.metadata
    with open(path, encoding="utf-8") as file:
        metadata = json.load(file)
    schema = next(s for s in metadata["schemas"] if s["schema-id"] == metadata["current-schema-id"])
    fields = [(field["name"], field["type"]) for field in schema["fields"]]
    expected = read_rows(args.expected, fields)
    got = read_rows(args.got, fields)
    missing = list((expected - got).elements())
    unexpected = list((got - expected).elements())
    total_expected, total_got = sum(expected.values()), sum(got.values())
    if missing or unexpected:
        print(f"{args.reader}: {total_got} rows, expected {total_expected}: "
              f"{len(missing)} missing, {len(unexpected)} unexpected", file=sys.stderr)
        names = [name for name, _ in fields]
        for label, rows in (("missing", missing), ("unexpected", unexpected)):
            for row in rows[:5]:
                print(f"  {label}: {json.dumps(dict(zip(names, json.loads(row))))}", file=sys.stderr)
        sys.exit(1)
    print(f"{args.reader}: the {total_got} rows equal the expected ones")


if __name__ == "__main__":
    main()
