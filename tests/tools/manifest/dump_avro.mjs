// Reads a manifest or manifest list with avsc, an Avro reader floe did not write, and prints one
// JSON object: {"codec": ..., "metadata": {key: string}, "schema": <writer schema>, "rows": [...]}.
// Longs are printed as exact JSON integers (avsc's default long type refuses values beyond 2^53,
// and snapshot ids are 63-bit); bytes and fixed values as lowercase hex strings.
//
//   node dump_avro.mjs AVSC_DIR FILE
//
// AVSC_DIR is the avsc package directory (ES modules do not search NODE_PATH).

import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const [avscDir, file] = process.argv.slice(2);
if (!avscDir || !file) {
  console.error('usage: node dump_avro.mjs AVSC_DIR FILE');
  process.exit(2);
}
const avro = createRequire(import.meta.url)(path.resolve(avscDir));

// Longs as BigInt, so that nothing is rounded on the way.
const exactLong = avro.types.LongType.__with({
  fromBuffer: (buf) => buf.readBigInt64LE(),
  toBuffer: (n) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(n));
    return buf;
  },
  fromJSON: (n) => BigInt(n),
  toJSON: (n) => Number(n),
  isValid: (n) => typeof n === 'bigint',
  compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
});

// JSON.stringify knows neither BigInt nor Buffer: mark longs, then unquote the marks.
const kLongMark = '__long__';
function replacer(key, value) {
  if (typeof value === 'bigint') return kLongMark + value.toString();
  if (value && value.type === 'Buffer' && Array.isArray(value.data)) {
    return Buffer.from(value.data).toString('hex');
  }
  return value;
}

const out = { codec: null, metadata: {}, schema: null, rows: [] };
const decoder = new avro.streams.BlockDecoder({
  parseHook: (schema) =>
    avro.Type.forSchema(schema, { wrapUnions: false, registry: { long: exactLong } }),
});
decoder
  .on('metadata', (type, codec, header) => {
    out.codec = codec;
    for (const [key, value] of Object.entries(header.meta)) {
      out.metadata[key] = value.toString('utf8');
    }
    out.schema = JSON.parse(out.metadata['avro.schema']);
  })
  .on('data', (row) => out.rows.push(row))
  .on('error', (err) => {
    console.error(`dump_avro: ${err.message}`);
    process.exit(1);
  })
  .on('end', () => {
    const text = JSON.stringify(out, replacer).replace(
      new RegExp(`"${kLongMark}(-?\\d+)"`, 'g'),
      '$1',
    );
    process.stdout.write(text + '\n');
  });
decoder.end(fs.readFileSync(file));
