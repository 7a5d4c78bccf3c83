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
  { name: 'parse_limit', label: 'limit: simdjson on-demand parse', input: 'input' },
  { name: 'read_limit', label: 'limit: read only', input: 'input' },
  { name: 'zstd_limit', label: 'limit: zstd level 3 of the whole file', input: 'input' },
  { name: 'kafka', label: 'floe: mock Kafka → filter → Iceberg (zstd)', input: 'kafka' },
  { name: 'rss', label: 'floe: file → Iceberg, peak RSS', input: 'rss' },
]
// floe's records/s over another case's, at each matching share.
const kRatios = [
  { name: 'floe_over_parse_limit', other: 'parse_limit', label: 'floe / simdjson parse limit' },
  { name: 'floe_over_read_limit', other: 'read_limit', label: 'floe / read limit' },
  { name: 'floe_over_duckdb', other: 'duckdb', label: 'floe / DuckDB' },
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
    cases[id] = entry
  }
  const ratios = {}
  for (const ratio of kRatios) {
    ratios[ratio.name] = {}
    for (const share of ['10', '100']) {
      const floe = cases[`floe.${share}`]
      const other = cases[`${ratio.other}.${share}`]
      if (!floe || !other) fail(`missing floe.${share} or ${ratio.other}.${share}`)
      ratios[ratio.name][`${share}%`] = round(other.median.seconds / floe.median.seconds, 3)
    }
  }
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
    },
    inputs: { file: inputsOf('input'), kafka: inputsOf('kafka'), rss: inputsOf('rss') },
    cases,
    ratios,
    ratio_definition: "floe's records/s divided by the other case's (above 1: floe is faster)",
  }
}

const thousands = (n) => Math.round(n).toLocaleString('en-US')

// The rows of the table, in kCases order: [case, matching, messages, seconds, records/s, MB/s,
// peak RSS].
function tableRows(results) {
  const rows = []
  for (const kind of kCases) {
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

function printTable(results) {
  const rows = [kHeader, ...tableRows(results)]
  const widths = kHeader.map((_, i) => Math.max(...rows.map((r) => [...r[i]].length)))
  const pad = (cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))
  for (const row of rows) console.log(row.map(pad).join('  ').trimEnd())
  console.log('')
  for (const ratio of kRatios) {
    const r = results.ratios[ratio.name]
    console.log(`${ratio.label.padEnd(30)} 10%: ${r['10%'].toFixed(3)}   100%: ${r['100%'].toFixed(3)}`)
  }
  console.log(`(${results.ratio_definition}; median of ${results.runs} run(s), ` +
    `load average ${results.load_average.before} before, ${results.load_average.after} after)`)
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
    `- **Threads:** ${results.threads} everywhere. floe runs one worker (write_parallelism 1), ` +
      `DuckDB gets \`SET threads=${results.threads}\`, and the limit programs are ` +
      'single-threaded (simdjson\'s stage-1 helper thread off, zstd without workers). The JSON ' +
      "file has the CPU seconds of floe's and DuckDB's processes (Node's start included) next " +
      'to their wall time.',
    '- **floe:** the wall clock of `floe run bench/file_iceberg_job.yaml`: process start, ' +
      'catalog, reading, decoding, filtering, the Parquet writer and the commit. Peak RSS is ' +
      "`/usr/bin/time`'s.",
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
  ]
  return lines.map(wrap).join('\n')
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
