// Reads a Parquet file with DuckDB, an independent reader, and prints one JSON object:
//   { "rows": [...], "schema": [...], "metadata": [...], "file": [...], "kv": [...] }
// rows: every row, every value cast to VARCHAR (null stays null), in file order;
// schema: parquet_schema(); metadata: parquet_metadata() (one entry per column chunk, with
// stats); file: parquet_file_metadata(); kv: the footer's key-values. BIGINTs come out as
// strings.
// Usage: node read_parquet.mjs --peer <dir holding node_modules/@duckdb/node-api> <file.parquet>
import { createRequire } from 'node:module'
import path from 'node:path'

const args = process.argv.slice(2)
let peer
let file
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--peer') peer = args[++i]
  else file = args[i]
}
if (!peer || !file) {
  console.error('usage: node read_parquet.mjs --peer <peer dir> <file.parquet>')
  process.exit(2)
}
// The module is installed next to the shared peer readers, not next to this script.
const require = createRequire(path.join(path.resolve(peer), 'package.json'))
const { DuckDBInstance } = require('@duckdb/node-api')

const db = await DuckDBInstance.create(':memory:')
const conn = await db.connect()
const quoted = `'${file.replaceAll("'", "''")}'`
async function all(sql) {
  const reader = await conn.runAndReadAll(sql)
  return reader.getRowObjectsJson()
}
const out = {
  rows: await all(`SELECT COLUMNS(*)::VARCHAR FROM read_parquet(${quoted})`),
  schema: await all(`SELECT * FROM parquet_schema(${quoted})`),
  metadata: await all(`SELECT * FROM parquet_metadata(${quoted})`),
  file: await all(`SELECT * FROM parquet_file_metadata(${quoted})`),
  kv: await all(
    `SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata(${quoted})`),
}
process.stdout.write(JSON.stringify(out))
