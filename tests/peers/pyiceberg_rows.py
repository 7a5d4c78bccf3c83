"""Prints the rows of an Iceberg table as read by PyIceberg, one JSON object a line.

    pyiceberg_rows.py --sql WAREHOUSE/catalog.db --warehouse WAREHOUSE NAMESPACE.TABLE
    pyiceberg_rows.py --rest URI --credential ID:SECRET --warehouse NAME NAMESPACE.TABLE
                      [--oauth2-server-uri URI] [--scope SCOPE]
    ... [--prop KEY=VALUE]...   catalog/FileIO properties, e.g. s3.endpoint=http://127.0.0.1:PORT

--sql reads through PyIceberg's SqlCatalog on the SQLite file (the catalog name is the one the
file holds); --rest through its RestCatalog with OAuth2 client credentials. Values are written
in the forms of the tests' expected files: timestamps as ISO-8601 (timestamptz with "Z"), dates
as YYYY-MM-DD, times as HH:MM:SS.ffffff, decimals as text, binary and fixed as hex, UUIDs as
text. Run it with the peers' virtual environment (tests/peers/pyiceberg.sh runs it so).
"""

import argparse
import datetime
import decimal
import json
import sqlite3
import sys
import uuid


def plain(value):
    """A value as the expected files write it."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else str(value)
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
            return value.isoformat(timespec="microseconds") + "Z"
        return value.isoformat(timespec="microseconds")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).hex()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        # PyArrow hands maps over as lists of (key, value) pairs.
        return [plain(v) for v in value]
    raise TypeError(f"no JSON form for {type(value).__name__}: {value!r}")


def sql_catalog(path, warehouse, props):
    from pyiceberg.catalog.sql import SqlCatalog

    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        names = [row[0] for row in db.execute("SELECT DISTINCT catalog_name FROM iceberg_tables")]
    if len(names) != 1:
        sys.exit(f"pyiceberg_rows: {path} holds tables of {len(names)} catalogs ({names}), not one")
    location = warehouse if "://" in warehouse else "file://" + warehouse
    return SqlCatalog(names[0], uri=f"sqlite:///{path}", warehouse=location, **props)


def rest_catalog(args, props):
    from pyiceberg.catalog import load_catalog

    properties = {
        "type": "rest",
        "uri": args.rest,
        "credential": args.credential,
        "warehouse": args.warehouse,
        "scope": args.scope,
    }
    if args.oauth2_server_uri:
        properties["oauth2-server-uri"] = args.oauth2_server_uri
    properties.update(props)
    return load_catalog("rest", **properties)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("table", help="NAMESPACE.TABLE")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--sql", metavar="CATALOG_DB")
    source.add_argument("--rest", metavar="URI")
    parser.add_argument("--warehouse", required=True)
    parser.add_argument("--credential", help="ID:SECRET (REST)")
    parser.add_argument("--oauth2-server-uri")
    parser.add_argument("--scope", default="PRINCIPAL_ROLE:ALL")
    parser.add_argument("--prop", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()
    props = {}
    for prop in args.prop:
        key, sep, value = prop.partition("=")
        if not sep or not key:
            parser.error(f"--prop {prop!r}: expected KEY=VALUE")
        props[key] = value
    if args.rest and not args.credential:
        parser.error("--rest needs --credential ID:SECRET")

    if args.sql:
        catalog = sql_catalog(args.sql, args.warehouse, props)
    else:
        catalog = rest_catalog(args, props)
    table = catalog.load_table(args.table)
    arrow = table.scan().to_arrow()
    out = sys.stdout
    for row in arrow.to_pylist():
        out.write(json.dumps({k: plain(v) for k, v in row.items()}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
