// A second, independent look at an Iceberg table for the types that verify-table.mjs cannot
// judge (time, uuid, fixed, binary, exact decimals): it follows the metadata file to the
// manifest list and manifests (read with avsc), reads every live data file with DuckDB, and
// prints each row as one JSON object whose values are DuckDB's own text forms (CAST ... AS
// VARCHAR; blobs as hex; timestamps in UTC). With --schema it prints, instead, each data file's
// Parquet columns: name, field_id, type, logical type.
//
//   node duckdb_rows.mjs PEER_DIR METADATA_JSON [--schema]
//
// PEER_DIR is ../shared/peer (its node_modules has avsc and @duckdb/node-api).
import { createRequire } from 'node:module'
import fs from 'node:fs'
import path from 'node:path'

const [peerDir, metadataPath, mode] = process.argv.slice(2)
if (!peerDir || !metadataPath) {
  console.error('usage: node duckdb_rows.mjs PEER_DIR METADATA_JSON [--schema]')
  process.exit(2)
}
const require = createRequire(path.join(path.resolve(peerDir), 'package.json'))
const avro = require('avsc')
const { DuckDBInstance } = await import(require.resolve('@duckdb/node-api'))

const exactLong = avro.types.LongType.__with({
  fromBuffer: (buf) => buf.readBigInt64LE(),
  toBuffer: (n) => { const b = Buffer.alloc(8); b.writeBigInt64LE(BigInt(n)); return b },
  fromJSON: (n) => BigInt(n),
  toJSON: (n) => Number(n),
  isValid: (n) => typeof n === 'bigint',
  compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
})

const local = (location) => location.startsWith('file://') ? location.slice(7) : location.startsWith('file:') ? location.slice(5) : location

function readAvro(location) {
  const buf = fs.readFileSync(local(location))
  return new Promise((resolve, reject) => {
    const rows = []
    const decoder = new avro.streams.BlockDecoder({ parseHook: (s) => avro.Type.forSchema(s, { wrapUnions: false, registry: {}, logicalTypes: {}, typeHook: (t) => t === 'long' ? exactLong : undefined }) })
    decoder.on('data', (r) => rows.push(r)).on('end', () => resolve(rows)).on('error', reject)
    decoder.end(buf)
  })
}

const metadata = JSON.parse(fs.readFileSync(metadataPath, 'utf8'))
const current = metadata['current-snapshot-id']
const snapshot = (metadata.snapshots || []).find((s) => s['snapshot-id'] === current)
const files = []
if (snapshot) {
  for (const manifest of await readAvro(snapshot['manifest-list'])) {
    for (const entry of await readAvro(manifest.manifest_path)) {
      if (entry.status !== 2) files.push(local(entry.data_file.file_path))
    }
  }
}
const schema = metadata.schemas.find((s) => s['schema-id'] === metadata['current-schema-id'])
const db = await DuckDBInstance.create(':memory:')
const con = await db.connect()
await con.run("SET TimeZone = 'UTC'")
const lit = (s) => `'${s.replaceAll("'", "''")}'`
const ident = (s) => `"${s.replaceAll('"', '""')}"`

if (mode === '--schema') {
  for (const file of files) {
    const cols = (await con.runAndReadAll(`SELECT name, field_id, type, logical_type FROM parquet_schema(${lit(file)})`)).getRowObjects()
    console.log(JSON.stringify({ file: path.basename(file), columns: cols.slice(1).map((c) => ({ name: c.name, field_id: c.field_id === null ? null : Number(c.field_id), type: String(c.type), logical_type: c.logical_type === null ? null : String(c.logical_type) })) }))
  }
  process.exit(0)
}
const expr = (f) => {
  const t = typeof f.type === 'string' ? f.type : f.type.type
  if (t === 'binary' || t.startsWith('fixed')) return `lower(hex(${ident(f.name)}))`
  return `CAST(${ident(f.name)} AS VARCHAR)`
}
const out = []
for (const file of files) {
  const sql = `SELECT ${schema.fields.map((f) => `${expr(f)} AS ${ident(f.name)}`).join(', ')} FROM read_parquet(${lit(file)})`
  for (const row of (await con.runAndReadAll(sql)).getRowObjects()) out.push(JSON.stringify(row))
}
for (const line of out.sort()) console.log(line)
