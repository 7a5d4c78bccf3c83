// bench/cdc_bench.sh's reader: a full scan of an upsert table in DuckDB with its row-level
// deletes applied, timed. The manifests are read with avsc; the scan is one SQL query over
// read_parquet of the live data files: position deletes as an anti-join on (file, row number),
// equality deletes as an anti-join on the key restricted to data files of a lower sequence number
// (the spec's rule; unpartitioned tables only). DuckDB's iceberg extension would do the same
// joins, but it is downloaded from DuckDB's own server, which the project does not use.
//
//   node bench/cdc_scan.mjs METADATA.json KEY [--runs N] [--threads N]
//
// Prints "scan: rows=N checksum=C seconds=S data_files=D delete_files=E kind=K threads=T"; the
// seconds are the median of N runs (default 3) of the query alone. The checksum is the sum of
// the number after " v" in each row's name (cdc_bench.sh's generator makes it unique per change).
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const args = process.argv.slice(2)
let runs = 3
let threads = 1
const positional = []
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i])
  else if (args[i] === '--threads') threads = Number(args[++i])
  else positional.push(args[i])
}
if (positional.length !== 2 || !(runs >= 1) || !(threads >= 1)) {
  console.error('usage: node bench/cdc_scan.mjs METADATA.json KEY [--runs N] [--threads N]')
  process.exit(2)
}
const [metadataPath, key] = positional
const here = path.dirname(fileURLToPath(import.meta.url))
const peerDir = process.env.FLOE_PEER_DIR ?? path.resolve(here, '../../shared/peer')
const require = createRequire(path.join(peerDir, 'package.json'))
const avro = require('avsc')
const duckdb = await import(require.resolve('@duckdb/node-api'))

const local = (p) => p.replace(/^file:\/\//, '')
const readAvro = (p) => new Promise((resolve, reject) => {
  const records = []
  avro.createFileDecoder(local(p)).on('data', (r) => records.push(r))
    .on('end', () => resolve(records)).on('error', reject)
})
const literal = (s) => `'${s.replaceAll("'", "''")}'`

const metadata = JSON.parse(fs.readFileSync(metadataPath, 'utf8'))
const snapshot = metadata.snapshots.find((s) => s['snapshot-id'] === metadata['current-snapshot-id'])
const data = []        // [path, data sequence number]
const positions = []   // position delete files
const equality = []    // [path, sequence number]
for (const manifest of await readAvro(snapshot['manifest-list'])) {
  for (const entry of await readAvro(manifest.manifest_path)) {
    if (entry.status === 2) continue
    const file = entry.data_file
    const sequence = Number(entry.sequence_number ?? manifest.sequence_number)
    if (file.content === 0) data.push([local(file.file_path), sequence])
    else if (file.content === 1) {
      if (file.file_format === 'PUFFIN') throw new Error('deletion vectors: not read by this scan')
      positions.push(local(file.file_path))
    } else equality.push([local(file.file_path), sequence])
  }
}
if (equality.length > 0 && metadata['partition-specs'].some((s) => s.fields.length > 0)) {
  throw new Error('equality deletes in a partitioned table: not read by this scan')
}

const instance = await duckdb.DuckDBInstance.create(':memory:')
const connection = await instance.connect()
await connection.run(`SET threads = ${threads}`)
const list = (paths) => `[${paths.map(literal).join(', ')}]`
const values = (pairs) => pairs.map(([p, s]) => `(${literal(p)}, ${s})`).join(', ')
await connection.run(`CREATE TEMP TABLE data_files(path VARCHAR, seq BIGINT)`)
if (data.length > 0) await connection.run(`INSERT INTO data_files VALUES ${values(data)}`)
await connection.run(`CREATE TEMP TABLE eq_files(path VARCHAR, seq BIGINT)`)
if (equality.length > 0) await connection.run(`INSERT INTO eq_files VALUES ${values(equality)}`)

const rows = `read_parquet(${list(data.map(([p]) => p))}, filename = true, file_row_number = true)`
let where = 'TRUE'
if (positions.length > 0) {
  where += ` AND NOT EXISTS (SELECT 1 FROM read_parquet(${list(positions)}) d
    WHERE d.file_path = t.filename AND d.pos = t.file_row_number)`
}
if (equality.length > 0) {
  where += ` AND NOT EXISTS (SELECT 1 FROM read_parquet(${list(equality.map(([p]) => p))}, filename = true) e
    JOIN eq_files ef ON ef.path = e.filename
    WHERE e.${key} = t.${key} AND ef.seq > df.seq)`
}
const query = data.length === 0 ? 'SELECT 0, 0' : `SELECT count(*), coalesce(sum(CAST(split_part(t.name, ' v', 2) AS BIGINT)), 0)
  FROM ${rows} t JOIN data_files df ON df.path = t.filename WHERE ${where}`

const times = []
let result
for (let run = 0; run < runs; run++) {
  const start = process.hrtime.bigint()
  result = (await connection.runAndReadAll(query)).getRows()[0]
  times.push(Number(process.hrtime.bigint() - start) / 1e9)
}
times.sort((a, b) => a - b)
const kind = equality.length > 0 ? 'equality' : positions.length > 0 ? 'position' : 'none'
console.log(`scan: rows=${result[0]} checksum=${result[1]} seconds=${times[Math.floor((runs - 1) / 2)].toFixed(3)} ` +
  `data_files=${data.length} delete_files=${positions.length + equality.length} kind=${kind} threads=${threads}`)
