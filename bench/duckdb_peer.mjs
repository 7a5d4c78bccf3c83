// bench/run.sh's peer (issue 8): DuckDB doing the floe file job's work on the same messages file,
// read the JSON lines, keep the bodies containing "gun" (any case), write them to one Parquet file
// (zstd), with the thread count floe uses. Only the COPY statement is timed; DuckDB starts and
// its settings are applied before the clock starts.
//
//   node bench/duckdb_peer.mjs INPUT.jsonl OUTPUT.parquet [--threads N]     (default: 1 thread)
//   node bench/duckdb_peer.mjs ... --jsonl OUTPUT.jsonl   the seed job's two sinks: the matching
//        rows read once (into a temporary table), then written to the Parquet file and as JSON
//        lines; both COPY statements timed
//   node bench/duckdb_peer.mjs --windows ...   bench/window_bench.sh's job instead: per user_id
//        and 1-minute time_bucket of ts, count(*), sum, avg of value, min, max of amount
//
// It prints one line: "duckdb: rows=N seconds=S threads=N version=V". The columns are given
// to read_json explicitly, with the job's types (timestamp as TIMESTAMPTZ), so DuckDB spends no
// time sampling the file to guess a schema. @duckdb/node-api comes from ../shared/peer (set
// FLOE_PEER_DIR to use another copy), installed by scripts/install-deps.sh.
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const usage = 'usage: node bench/duckdb_peer.mjs [--windows] INPUT.jsonl OUTPUT.parquet [--threads N] [--jsonl OUTPUT.jsonl]'
const args = process.argv.slice(2)
let threads = 1
let windows = false
let jsonl = null
const files = []
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--threads') {
    threads = Number(args[++i])
    if (!Number.isInteger(threads) || threads < 1) {
      console.error(`duckdb_peer: --threads must be a positive integer, got '${args[i]}'`)
      process.exit(2)
    }
  } else if (args[i] === '--jsonl') {
    jsonl = args[++i]
    if (!jsonl) {
      console.error('duckdb_peer: --jsonl needs a file')
      process.exit(2)
    }
    jsonl = path.resolve(jsonl)
  } else if (args[i] === '--windows') {
    windows = true
  } else if (args[i] === '--help' || args[i] === '-h') {
    console.log(usage)
    process.exit(0)
  } else {
    files.push(args[i])
  }
}
if (files.length !== 2) {
  console.error(usage)
  process.exit(2)
}
const [input, output] = files.map((f) => path.resolve(f))
if (!fs.existsSync(input)) {
  console.error(`duckdb_peer: no input file ${input}`)
  process.exit(2)
}

const here = path.dirname(fileURLToPath(import.meta.url))
const peerDir = process.env.FLOE_PEER_DIR ?? path.resolve(here, '../../shared/peer')
const require = createRequire(path.join(peerDir, 'package.json'))
let duckdb
try {
  duckdb = await import(require.resolve('@duckdb/node-api'))
} catch (e) {
  console.error(`duckdb_peer: @duckdb/node-api not found in ${peerDir}/node_modules ` +
    `(run scripts/install-deps.sh): ${e.message}`)
  process.exit(2)
}

// SQL string literal: paths may hold quotes.
const literal = (s) => `'${s.replaceAll("'", "''")}'`

const instance = await duckdb.DuckDBInstance.create(':memory:')
const connection = await instance.connect()
await connection.run(`SET threads = ${threads}`)
const version = (await connection.runAndReadAll('SELECT version()')).getRows()[0][0]

const filterColumns = `{account_id: 'VARCHAR', message_id: 'VARCHAR', message_body: 'VARCHAR', ` +
  `correlation_id: 'VARCHAR', message_status: 'VARCHAR', timestamp: 'TIMESTAMPTZ'}`
const filterCopy = `COPY (SELECT * FROM read_json(${literal(input)}, format = 'newline_delimited', ` +
  `columns = ${filterColumns}) WHERE lower(message_body) LIKE '%gun%') ` +
  `TO ${literal(output)} (FORMAT parquet, COMPRESSION zstd)`
const windowColumns = `{ts: 'TIMESTAMPTZ', user_id: 'VARCHAR', value: 'BIGINT', amount: 'DOUBLE'}`
const bucket = `time_bucket(INTERVAL 1 minute, ts)`
const windowCopy = `COPY (SELECT ${bucket} AS window_start, ${bucket} + INTERVAL 1 minute AS ` +
  `window_end, user_id, count(*) AS events, sum(value) AS total, avg(value) AS mean, ` +
  `min(amount) AS low, max(amount) AS high FROM read_json(${literal(input)}, ` +
  `format = 'newline_delimited', columns = ${windowColumns}) GROUP BY ALL) ` +
  `TO ${literal(output)} (FORMAT parquet, COMPRESSION zstd)`
const copy = windows ? windowCopy : filterCopy
if (jsonl && windows) {
  console.error('duckdb_peer: --jsonl is for the filter job, not --windows')
  process.exit(2)
}
// Both sinks from one read: the matching rows once, then each output from them.
const matching = `CREATE TEMP TABLE matching AS SELECT * FROM read_json(${literal(input)}, ` +
  `format = 'newline_delimited', columns = ${filterColumns}) WHERE lower(message_body) LIKE '%gun%'`
const bothCopies = [
  `COPY matching TO ${literal(output)} (FORMAT parquet, COMPRESSION zstd)`,
  `COPY matching TO ${literal(jsonl ?? '')} (FORMAT json)`,
]

const start = process.hrtime.bigint()
let result
try {
  if (jsonl) {
    await connection.run(matching)
    result = await connection.runAndReadAll(bothCopies[0])
    await connection.run(bothCopies[1])
  } else {
    result = await connection.runAndReadAll(copy)
  }
} catch (e) {
  console.error(`duckdb_peer: ${e.message}`)
  process.exit(1)
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9
const rows = Number(result.getRows()[0][0])

console.log(`duckdb: rows=${rows} seconds=${seconds.toFixed(6)} threads=${threads} version=${version}`)
connection.closeSync()
instance.closeSync()
