// bench/run.sh's report (issue 8): turns the figures of every run into medians, rates and ratios,
// prints them as a table, writes them all to a JSON file and, if asked, replaces the section of a
// markdown file between <!-- bench/run.sh begin --> and <!-- bench/run.sh end --> (appending it
// under its own heading when the markers are missing; nothing else in the file changes).
//
//   node bench/run_report.mjs --figures FIGURES.tsv --meta META.tsv [--json OUT] [--markdown FILE]
//   node bench/run_report.mjs --results RESULTS.json [--markdown FILE]
//
// FIGURES.tsv has one "CASE RUN KEY VALUE" per line, META.tsv one "KEY VALUE" (tab-separated):
// both written by bench/run.sh. The second form renders a JSON file written by the first.
import fs from 'node:fs'

const kBegin = '<!-- bench/run.sh begin -->'
const kEnd = '<!-- bench/run.sh end -->'
const kHeading = '## Side by side (bench/run.sh, issue 8)'

// The cases in the order they are shown. `input` names the META.tsv prefix of their input.
const kCases = [
  { name: 'floe', label: 'floe: file → filter → Iceberg (zstd)', input: 'input' },
  { name: 'duckdb', label: 'DuckDB: read_json → filter → Parquet (zstd)', input: 'input' },
  { name: 'seed', label: 'floe: the seed job, file → filter → Iceberg + JSON lines', input: 'input' },
  { name: 'duckdb_seed', label: 'DuckDB: read_json → filter → Parquet + JSON lines',
    input: 'input' },
  { name: 'floe_ooo', label: 'floe: file → filter → Iceberg, out of order', input: 'input_ooo' },
  { name: 'duckdb_ooo', label: 'DuckDB: read_json → filter → Parquet, out of order',
    input: 'input_ooo' },
  { name: 'seed_ooo', label: 'floe: the seed job, Iceberg + JSON lines, out of order',
    input: 'input_ooo' },
  { name: 'duckdb_seed_ooo', label: 'DuckDB: Parquet + JSON lines, out of order',
    input: 'input_ooo' },
  { name: 'parse_limit', label: 'limit: simdjson on-demand parse', input: 'input' },
  { name: 'read_limit', label: 'limit: read only', input: 'input' },
  { name: 'zstd_limit', label: 'limit: zstd level 3 of the whole file', input: 'input' },
  { name: 'kafka', label: 'floe: mock Kafka → filter → Iceberg (zstd)', input: 'kafka' },
  { name: 'rss', label: 'floe: file → Iceberg, peak RSS', input: 'rss' },
  { name: 'kcat', label: 'limit: librdkafka consume (kcat → /dev/null)', input: 'real', real: true },
  { name: 'real1', label: 'floe: Kafka broker → filter → Iceberg, 1 worker', input: 'real', real: true },
  { name: 'realn', label: 'floe: Kafka broker → filter → Iceberg, a worker per core', input: 'real',
    real: true },
  { name: 'seed1', label: 'floe: the seed job (+ output topic, transactions), 1 worker',
    input: 'real', real: true },
  { name: 'seedn', label: 'floe: the seed job (+ output topic, transactions), a worker per core',
    input: 'real', real: true },
  { name: 'flink', label: 'Flink 2.x seed job: Kafka broker → filter → Iceberg', input: 'real',
    real: true },
]
// The real broker's medians beyond seconds (issue 18), copied into `median` when a case has them.
const kExtraMedians = ['first_snapshot_seconds', 'first_record_seconds', 'wall_seconds',
  'warmup_seconds', 'warmup_cpu_seconds', 'reread']
// A floe case's records/s over another case's, at each matching share (`floe`: the floe case,
// 'floe' when absent).
const kRatios = [
  { name: 'floe_over_parse_limit', other: 'parse_limit', label: 'floe / simdjson parse limit' },
  { name: 'floe_over_read_limit', other: 'read_limit', label: 'floe / read limit' },
  { name: 'floe_over_duckdb', other: 'duckdb', label: 'floe / DuckDB (table alone)' },
  { name: 'seed_over_duckdb_seed', floe: 'seed', other: 'duckdb_seed',
    label: 'floe / DuckDB (both sinks)' },
  { name: 'floe_ooo_over_duckdb_ooo', floe: 'floe_ooo', other: 'duckdb_ooo',
    label: 'floe / DuckDB (table alone, out of order)' },
  { name: 'seed_ooo_over_duckdb_seed_ooo', floe: 'seed_ooo', other: 'duckdb_seed_ooo',
    label: 'floe / DuckDB (both sinks, out of order)' },
]

function fail(message) {
  console.error(`run_report: ${message}`)
  process.exit(1)
}

function parseArgs(argv) {
  const options = {}
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]
    if (!['--figures', '--meta', '--json', '--markdown', '--results'].includes(key)) {
      fail(`unknown option '${key}'`)
    }
    if (i + 1 >= argv.length) fail(`${key} needs a value`)
    options[key.slice(2)] = argv[i + 1]
  }
  if (!options.results && !(options.figures && options.meta)) {
    fail('give --figures and --meta, or --results')
  }
  return options
}

function readTsv(path) {
  return fs.readFileSync(path, 'utf8').split('\n').filter((l) => l).map((l) => l.split('\t'))
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

const round = (x, digits) => Number(x.toFixed(digits))

// The JSON document: every run's figures, the medians and what follows from them.
function summarize(figuresPath, metaPath) {
  const meta = Object.fromEntries(readTsv(metaPath))
  const runs = new Map() // case id → run → {key: value}
  for (const [id, run, key, value] of readTsv(figuresPath)) {
    if (!runs.has(id)) runs.set(id, new Map())
    const byRun = runs.get(id)
    if (!byRun.has(run)) byRun.set(run, {})
    byRun.get(run)[key] = Number(value)
  }
  const cases = {}
  for (const [id, byRun] of runs) {
    const [name, share] = id.split('.')
    const kind = kCases.find((c) => c.name === name)
    if (!kind) fail(`unknown case '${id}' in ${figuresPath}`)
    const messages = Number(meta[`${kind.input}.${share}.messages`])
    const bytes = Number(meta[`${kind.input}.${share}.bytes`])
    const list = [...byRun.values()]
    const keys = Object.keys(list[0])
    const medians = Object.fromEntries(keys.map((k) => [k, median(list.map((r) => r[k]))]))
    const entry = {
      what: kind.label,
      messages,
      input_bytes: bytes,
      runs: list,
      median: {
        seconds: round(medians.seconds, 6),
        records_per_second: Math.round(messages / medians.seconds),
        mb_per_second: round(bytes / medians.seconds / 1e6, 1),
      },
    }
    if (kind.name === 'kafka') entry.partitions = Number(meta[`kafka.${share}.partitions`])
    if ('cpu_seconds' in medians) entry.median.cpu_seconds = medians.cpu_seconds
    if ('rss_kb' in medians) entry.median.peak_rss_mb = round(medians.rss_kb / 1024, 1)
    if ('written' in medians) entry.median.written = medians.written
    if ('cpu_seconds' in medians) {
      entry.median.cpu_seconds_per_million = round(medians.cpu_seconds / messages * 1e6, 2)
    }
    for (const key of kExtraMedians) {
      if (key in medians) entry.median[key] = round(medians[key], 3)
    }
    cases[id] = entry
  }
  const ratios = {}
  for (const ratio of kRatios) {
    ratios[ratio.name] = {}
    for (const share of ['10', '100']) {
      const floe = cases[`${ratio.floe ?? 'floe'}.${share}`]
      const other = cases[`${ratio.other}.${share}`]
      if (!floe || !other) fail(`missing ${ratio.floe ?? 'floe'}.${share} or ${ratio.other}.${share}`)
      ratios[ratio.name][`${share}%`] = round(other.median.seconds / floe.median.seconds, 3)
    }
  }
  const realKafka = summarizeReal(cases, meta)
  // META.tsv's "PREFIX.SHARE.KEY VALUE" lines as {SHARE: {KEY: VALUE}}.
  const inputsOf = (prefix) => {
    const inputs = {}
    for (const [k, v] of Object.entries(meta)) {
      const [first, share, key] = k.split('.')
      if (first !== prefix) continue
      inputs[share] ??= {}
      inputs[share][key] = Number(v)
    }
    return inputs
  }
  return {
    benchmark: 'bench/run.sh (issue 8)',
    command: meta.command,
    started_at: meta.started_at,
    finished_at: meta.finished_at,
    load_average: { before: meta.load_before, after: meta.load_after },
    messages: Number(meta.messages),
    runs: Number(meta.runs),
    quick: meta.quick === '1',
    threads: Number(meta.threads),
    machine: {
      cpu: meta['machine.cpu'],
      cores: Number(meta['machine.cores']),
      memory_bytes: Number(meta['machine.memory_bytes']),
      os: meta['machine.os'],
      kernel: meta['machine.kernel'],
    },
    versions: {
      gxx: meta['versions.gxx'],
      floe_commit: meta['versions.floe_commit'],
      floe_tree: meta['versions.floe_tree'],
      simdjson: meta['versions.simdjson'],
      zstd: meta['versions.zstd'],
      duckdb: meta['versions.duckdb'],
      node: meta['versions.node'],
      kafka: meta['versions.kafka'],
      kcat: meta['versions.kcat'],
      librdkafka: meta['versions.librdkafka'],
      flink: meta['versions.flink'],
      flink_connector_kafka: meta['versions.flink_kafka'],
      iceberg_flink_runtime: meta['versions.iceberg_flink'],
      java: meta['versions.java'],
    },
    inputs: {
      file: inputsOf('input'),
      kafka: inputsOf('kafka'),
      rss: inputsOf('rss'),
      real_kafka: inputsOf('real'),
    },
    cases,
    ratios,
    real_kafka: realKafka,
    ratio_definition: "floe's records/s divided by the other case's (above 1: floe is faster)",
  }
}

// The real broker's side-by-side figures (issue 18), or null when those cases did not run: per
// matching share, floe's (a worker per core) records/s per core over Flink's, Flink's peak RSS
// over floe's, CPU seconds per million records of each, and floe over librdkafka's consume limit.
function summarizeReal(cases, meta) {
  if (!Object.keys(cases).some((id) => id.startsWith('flink.'))) return null
  const workers = Number(meta['realkafka.workers'])
  const shares = {}
  for (const id of Object.keys(cases).filter((i) => i.startsWith('flink.'))) {
    const share = id.split('.')[1]
    const floe = cases[`realn.${share}`]
    const one = cases[`real1.${share}`]
    const flink = cases[id]
    const kcat = cases[`kcat.${share}`]
    if (!floe || !one || !kcat) fail(`missing realn/real1/kcat.${share} beside ${id}`)
    const perCore = (c, cores) => c.median.records_per_second / cores
    shares[`${share}%`] = {
      floe_over_flink_per_core: round(perCore(floe, workers) / perCore(flink, workers), 2),
      floe_one_worker_over_flink_per_core: round(perCore(one, 1) / perCore(flink, workers), 2),
      flink_over_floe_peak_rss: round(flink.median.peak_rss_mb / floe.median.peak_rss_mb, 2),
      flink_over_floe_cpu_per_record: round(
        flink.median.cpu_seconds_per_million / floe.median.cpu_seconds_per_million, 2),
      floe_over_kcat: round(floe.median.records_per_second / kcat.median.records_per_second, 3),
      floe_one_worker_over_kcat:
        round(one.median.records_per_second / kcat.median.records_per_second, 3),
    }
  }
  return {
    workers,
    flink_parallelism: workers,
    flink_heap: meta['realkafka.flink_heap'],
    flink_passes: Number(meta['realkafka.flink_passes']),
    load_average: { before: meta['realkafka.load_before'], after: meta['realkafka.load_after'] },
    ratios: shares,
  }
}

const thousands = (n) => Math.round(n).toLocaleString('en-US')

// The rows of the table, in kCases order: [case, matching, messages, seconds, records/s, MB/s,
// peak RSS].
function tableRows(results) {
  const rows = []
  for (const kind of kCases.filter((k) => !k.real)) {
    const ids = Object.keys(results.cases).filter((id) => id.split('.')[0] === kind.name)
    for (const id of ids) {
      const c = results.cases[id]
      const share = id.split('.')[1]
      rows.push([
        kind.label,
        kind.name === 'rss' ? '10%' : `${share}%`,
        thousands(c.messages),
        c.median.seconds.toFixed(3),
        thousands(c.median.records_per_second),
        c.median.mb_per_second.toFixed(1),
        c.median.peak_rss_mb === undefined ? '' : `${c.median.peak_rss_mb.toFixed(1)} MB`,
      ])
    }
  }
  return rows
}

const kHeader = ['case', 'matching', 'messages', 'seconds', 'records/s', 'MB/s', 'peak RSS']

// The real broker's table (issue 18): [case, matching, workers, records/s, records/s per core,
// MB/s, CPU s per 1M records, peak RSS, start → first record, start → first snapshot].
const kRealHeader = ['case', 'matching', 'workers', 'records/s', 'records/s per core', 'MB/s',
  'CPU s / 1M records', 'peak RSS', 'start → first record', 'start → first snapshot']

function realRows(results) {
  if (!results.real_kafka) return []
  const workers = results.real_kafka.workers
  const seconds = (x) => (x === undefined ? '' : `${x.toFixed(1)} s`)
  const rows = []
  const row = (label, share, cores, c, rate, cpuPerMillion, firstRecord, firstSnapshot) => rows.push([
    label, `${share}%`, String(cores), thousands(rate), thousands(rate / cores),
    (c.input_bytes / (c.messages / rate) / 1e6).toFixed(1),
    cpuPerMillion === undefined ? '' : cpuPerMillion.toFixed(2),
    `${c.median.peak_rss_mb.toFixed(1)} MB`, seconds(firstRecord), seconds(firstSnapshot),
  ])
  for (const kind of kCases.filter((k) => k.real)) {
    for (const id of Object.keys(results.cases).filter((i) => i.split('.')[0] === kind.name)) {
      const c = results.cases[id]
      const m = c.median
      const share = id.split('.')[1]
      const cores = ['kcat', 'real1', 'seed1'].includes(kind.name) ? 1 : workers
      if (kind.name !== 'flink') {
        row(kind.label, share, cores, c, m.records_per_second, m.cpu_seconds_per_million,
          m.first_record_seconds, m.first_snapshot_seconds)
        continue
      }
      row(`${kind.label}, first pass (cold JVM)`, share, cores, c,
        c.messages / m.warmup_seconds, m.warmup_cpu_seconds / c.messages * 1e6,
        m.first_record_seconds, m.first_snapshot_seconds)
      row(`${kind.label}, pass ${results.real_kafka.flink_passes} (warm JVM)`, share, cores, c,
        m.records_per_second, m.cpu_seconds_per_million, undefined, undefined)
    }
  }
  return rows
}

const kRealRatios = [
  { name: 'floe_over_flink_per_core', label: 'floe / Flink, records/s per core' },
  { name: 'floe_one_worker_over_flink_per_core', label: 'floe (1 worker) / Flink, records/s per core' },
  { name: 'flink_over_floe_peak_rss', label: 'Flink / floe, peak RSS' },
  { name: 'flink_over_floe_cpu_per_record', label: 'Flink / floe, CPU seconds per record' },
  { name: 'floe_over_kcat', label: 'floe (a worker per core) / librdkafka consume limit' },
  { name: 'floe_one_worker_over_kcat', label: 'floe (1 worker) / librdkafka consume limit' },
]

function printTable(results) {
  const rows = [kHeader, ...tableRows(results)]
  const widths = kHeader.map((_, i) => Math.max(...rows.map((r) => [...r[i]].length)))
  const pad = (cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))
  for (const row of rows) console.log(row.map(pad).join('  ').trimEnd())
  console.log('')
  for (const ratio of kRatios) {
    const r = results.ratios[ratio.name]
    console.log(`${ratio.label.padEnd(42)} 10%: ${r['10%'].toFixed(3)}   100%: ${r['100%'].toFixed(3)}`)
  }
  console.log(`(${results.ratio_definition}; median of ${results.runs} run(s), ` +
    `load average ${results.load_average.before} before, ${results.load_average.after} after)`)
  if (!results.real_kafka) return
  console.log('')
  printAligned([kRealHeader, ...realRows(results)])
  console.log('')
  for (const [share, ratios] of Object.entries(results.real_kafka.ratios)) {
    for (const ratio of kRealRatios) {
      console.log(`${ratio.label.padEnd(52)} ${share}: ${ratios[ratio.name].toFixed(3)}`)
    }
  }
}

function printAligned(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => [...r[i]].length)))
  const pad = (cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))
  for (const row of rows) console.log(row.map(pad).join('  ').trimEnd())
}

// Wraps a prose line at kColumns as the rest of BENCHMARKS.md is, a bullet's continuation lines
// indented under its text. Table rows and blank lines stay as they are.
const kColumns = 100
function wrap(line) {
  if (line === '' || line.startsWith('|')) return line
  const indent = line.startsWith('- ') ? '  ' : ''
  const out = []
  let current = ''
  // Words, a code span counting as one: a line break inside one would show in the source only.
  const words = line.match(/(?:`[^`]*`|[^ ])+/g)
  for (const word of words) {
    if (current && [...current].length + 1 + [...word].length > kColumns) {
      out.push(current)
      current = indent + word
    } else {
      current = current ? `${current} ${word}` : word
    }
  }
  out.push(current)
  return out.join('\n')
}

function markdownSection(results) {
  const m = results.machine
  const v = results.versions
  const gib = (m.memory_bytes / 2 ** 30).toFixed(1)
  const floeCase = results.cases['floe.10']
  const lines = [
    `\`${results.command}\` (${results.started_at}, median of ${results.runs} run(s); load ` +
      `average ${results.load_average.before} before, ${results.load_average.after} after).`,
    '',
    `- **Machine:** ${m.cpu}, ${m.cores} cores, ${gib} GiB, ${m.os}, kernel ${m.kernel}.`,
    `- **Versions:** ${v.gxx}; floe source ${v.floe_commit} (tree ${v.floe_tree}); simdjson ` +
      `${v.simdjson}; zstd ${v.zstd}; DuckDB ${v.duckdb} (@duckdb/node-api); Node ${v.node}.`,
    `- **Input:** \`floe gen --seed 42\`, ${thousands(results.messages)} messages ` +
      `(${(floeCase.input_bytes / 1e6).toFixed(1)} MB at 10% matching); MB/s is input bytes ` +
      'per second (10^6).',
    '',
    `| ${kHeader.join(' | ')} |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...tableRows(results).map((r) => `| ${r.join(' | ')} |`),
    '',
    `Ratios, ${results.ratio_definition}:`,
    '',
    '| ratio | 10% | 100% |',
    '| --- | ---: | ---: |',
    ...kRatios.map((ratio) => {
      const r = results.ratios[ratio.name]
      return `| ${ratio.label} | ${r['10%'].toFixed(3)} | ${r['100%'].toFixed(3)} |`
    }),
    '',
    `- **Threads:** ${results.threads}. floe runs its default job.parallelism (one per core), ` +
      `DuckDB gets \`SET threads=${results.threads}\`, and the limit programs are ` +
      'single-threaded (simdjson\'s stage-1 helper thread off, zstd without workers). The JSON ' +
      "file has the CPU seconds of floe's and DuckDB's processes (Node's start included) next " +
      'to their wall time.',
    '- **floe:** the wall clock of `floe run bench/file_iceberg_job.yaml`: process start, ' +
      'catalog, reading, decoding, filtering, the Parquet writer and the commit. Peak RSS is ' +
      "`/usr/bin/time`'s. The seed job rows run `examples/profanity-local.yaml`: the same " +
      'plus every kept message as a JSON line (and dead letters); DuckDB then writes the ' +
      'matching rows, read once into a temporary table, to Parquet and to JSON lines (both ' +
      'statements timed).',
    '- **Out of order:** the same input with `floe gen --late-ratio 0.1`: a tenth of the ' +
      'messages 1-60 s behind the running event time (some beyond the 10 s watermark bound). ' +
      'A filter job keeps them all; both tools must keep the same rows.',
    "- **DuckDB:** `bench/duckdb_peer.mjs`. Only its statement is timed, not starting Node and " +
      "DuckDB: `COPY (SELECT * FROM read_json(...) WHERE lower(message_body) LIKE '%gun%')` " +
      "`TO '...parquet' (FORMAT parquet, COMPRESSION zstd)`. `read_json` is given the columns and " +
      'their types (timestamp as ' +
      'TIMESTAMPTZ), so DuckDB does not sample the file to guess a schema. Its row count is ' +
      "checked against floe's. Its peak RSS includes Node's.",
    '- **Limits** (`bench/limit/`, not linked to floe): each reads the file in 4 MiB blocks and ' +
      'its time includes the reading. The parse limit unescapes every key and reads every value ' +
      'as a string (the timestamp too) and keeps nothing. zstd compresses all of the input, ' +
      'where a job compresses only the rows it keeps, by column.',
    '- **Page cache:** the file is generated just before, so every case reads it from memory.',
    `- **Kafka:** ${thousands(results.cases['kafka.10'].messages)} messages over ` +
      `${results.cases['kafka.10'].partitions} partitions of \`floe dev kafka\` (librdkafka's ` +
      'mock, ~5 MB a partition), `bench/kafka_iceberg_job.yaml`; the time is the job\'s active ' +
      'span (first to last record), without the group join and the idle wait.',
    '- **Peak RSS** rows: the file job at 10% matching on ' +
      `${Object.values(results.inputs.rss).map((i) => thousands(i.messages)).join(' and ')} ` +
      'messages.',
    ...realSection(results),
  ]
  return lines.map(wrap).join('\n')
}

// The real broker's part of the section (issue 18), empty when those cases did not run.
function realSection(results) {
  const real = results.real_kafka
  if (!real) return []
  const v = results.versions
  const shares = Object.keys(real.ratios)
  const inputs = Object.entries(results.inputs.real_kafka)
    .map(([share, i]) => `${thousands(i.messages)} messages at ${share}% matching ` +
      `(${(i.bytes / 1e6).toFixed(1)} MB, ${i.partitions} partitions)`).join('; ')
  return [
    '',
    '### A real Kafka broker: floe, Flink and the librdkafka limit',
    '',
    `Load average ${real.load_average.before} before these cases, ${real.load_average.after} ` +
      'after.',
    '',
    `- **Versions:** Apache Kafka ${v.kafka} (one KRaft node, tests/peers/kafka.sh); kcat ` +
      `${v.kcat} with librdkafka ${v.librdkafka}; Apache Flink ${v.flink} with ` +
      `flink-connector-kafka ${v.flink_connector_kafka} and iceberg-flink-runtime-2.0 ` +
      `${v.iceberg_flink_runtime}; ${v.java}.`,
    `- **Input:** \`floe gen --seed 42\`, ${inputs}, produced to topic profanity_words ` +
      'beforehand; every case reads all of it from the beginning.',
    '',
    `| ${kRealHeader.join(' | ')} |`,
    `| --- | ${kRealHeader.slice(1).map(() => '---:').join(' | ')} |`,
    ...realRows(results).map((r) => `| ${r.join(' | ')} |`),
    '',
    `| ratio | ${shares.join(' | ')} |`,
    `| --- | ${shares.map(() => '---:').join(' | ')} |`,
    ...kRealRatios.map((ratio) =>
      `| ${ratio.label} | ${shares.map((s) => real.ratios[s][ratio.name].toFixed(3)).join(' | ')} |`),
    '',
    ...rereadNotes(results),
    '- **Rates** are over the active span, first to last record: floe\'s summary ' +
      '(`active_seconds`), and for Flink the first and last record its filter saw (an ' +
      'accumulator per subtask). The start-up columns are from the process\'s start.',
    '- **kcat:** `kcat -C -b ... -X fetch.wait.max.ms=10 -t profanity_words -o beginning -e` ' +
      '`> /dev/null`, one process, its wall clock from start to exit (metadata and the ' +
      'end-of-partition checks included; the short fetch wait only makes the fetches at the ' +
      "partitions' ends come back at once).",
    `- **floe:** \`floe run bench/kafka_iceberg_job.yaml --stop-when-idle 3s\` with \`WORKERS=1\` ` +
      `and \`WORKERS=${real.workers}\`, a fresh consumer group and warehouse each run, checkpoints ` +
      'every 30 s, exactly once (each checkpoint one snapshot carrying its offsets). Its first ' +
      'snapshot is the final commit after 3 s without records when the input takes less than ' +
      'one interval, so that column includes the idle wait. CPU seconds are the whole process\'s. ' +
      'The seed job rows run `examples/profanity-kafka.yaml`: the same, plus every kept message ' +
      'to output-topic (keyed by account_id), one Kafka transaction per checkpoint with its ' +
      'offsets; what Flink is measured against is the table-only job.',
    `- **Flink:** \`bench/flink/\` (\`SeedJob.java\`): KafkaSource (earliest to the offsets at ` +
      'start, read_committed) → JsonRowDataDeserializationSchema → watermark 10 s behind ' +
      '`timestamp` → filter (body lower-cased contains "gun") → Iceberg\'s FlinkSink (Parquet ' +
      `zstd) through a Hadoop catalog on local disk; a local MiniCluster from \`java -cp\`, ` +
      `parallelism ${real.flink_parallelism}, object reuse on, checkpoints every 30 s ` +
      `EXACTLY_ONCE, heap ${real.flink_heap} (-Xms = -Xmx, Parallel GC). Each JVM runs the job ` +
      `${real.flink_passes} times, a fresh table and consumer group each; the first pass is the ` +
      'cold JVM (its row has the start-up times), the last is the measured, warm one. The bounded ' +
      'source ends the job with a final checkpoint that commits. CPU seconds are the JVM\'s during ' +
      'the pass; peak RSS is the whole process\'s (`/usr/bin/time -v`). Flink\'s table row count ' +
      "is checked against its filter's and floe's.",
  ]
}

// A note per floe case that read messages twice (after a rebalance moved partitions whose rows
// were read but not yet committed): the committed rows stay exact, the work is not.
function rereadNotes(results) {
  const notes = []
  for (const [id, c] of Object.entries(results.cases)) {
    if (!(c.median.reread > 0)) continue
    const most = Math.max(...c.runs.map((r) => r.reread))
    notes.push(`- **Re-reads:** ${c.what} (${id.split('.')[1]}%) read ` +
      `${thousands(c.median.reread)} messages twice in the median run (at most ` +
      `${thousands(most)}): a worker that joined the consumer group late took partitions ` +
      'another had started on, from the last committed offsets. Its rate still counts each ' +
      'message once.')
  }
  return notes
}

function writeMarkdown(path, results) {
  const text = fs.readFileSync(path, 'utf8')
  const section = `${kBegin}\n${markdownSection(results)}\n${kEnd}`
  const begin = text.indexOf(kBegin)
  const end = text.indexOf(kEnd)
  let updated
  if (begin >= 0 && end > begin) {
    updated = text.slice(0, begin) + section + text.slice(end + kEnd.length)
  } else if (begin < 0 && end < 0) {
    const separator = text.endsWith('\n') ? '\n' : '\n\n'
    updated = `${text}${separator}${kHeading}\n\n${section}\n`
  } else {
    fail(`${path} has one of the markers without the other, or them out of order`)
  }
  fs.writeFileSync(path, updated)
}

const options = parseArgs(process.argv.slice(2))
const results = options.results ?
  JSON.parse(fs.readFileSync(options.results, 'utf8')) :
  summarize(options.figures, options.meta)
if (options.json) fs.writeFileSync(options.json, `${JSON.stringify(results, null, 2)}\n`)
printTable(results)
if (options.json) console.log(`figures: ${options.json}`)
if (options.markdown) {
  writeMarkdown(options.markdown, results)
  console.log(`updated: ${options.markdown}`)
}
