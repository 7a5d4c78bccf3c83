"""Rewrites an Iceberg table behind its writer's back, as a compaction by another engine would:
PyIceberg reads the live rows (deletes applied) and overwrites the table with them, in reverse
order of the first column, as new data files of its own; every previous data file is removed by
that commit. Prints the number of rows rewritten.

    pyiceberg_rewrite.py --sql WAREHOUSE/catalog.db --warehouse WAREHOUSE NAMESPACE.TABLE

Run it with the peers' virtual environment (tests/peers/pyiceberg.sh rewrite runs it so).
"""

import argparse

from pyiceberg_rows import sql_catalog


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sql", required=True)
    parser.add_argument("--warehouse", required=True)
    parser.add_argument("table")
    args = parser.parse_args()
    table = sql_catalog(args.sql, args.warehouse, {}).load_table(args.table)
    rows = table.scan().to_arrow()
    rows = rows.sort_by([(rows.column_names[0], "descending")])
    table.overwrite(rows)
    print(rows.num_rows)


if __name__ == "__main__":
    main()
