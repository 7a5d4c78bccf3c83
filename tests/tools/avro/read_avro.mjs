// Reads an Avro object container file with avsc, an Avro implementation floe did not write, and
// prints one JSON object: {"metadata": {key: string}, "codec": ..., "schema": <writer schema>,
// "rows": [...]}. Bytes and fixed values are printed as lowercase hex strings.
//
//   node read_avro.mjs AVSC_DIR FILE
//
// AVSC_DIR is the avsc package directory (ES modules do not search NODE_PATH).

import { createRequire } from 'node:module';
import path from 'node:path';

const [avscDir, file] = process.argv.slice(2);
if (!avscDir || !file) {
  console.error('usage: node read_avro.mjs AVSC_DIR FILE');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const avro = require(path.resolve(avscDir));

function bytesToHex(key, value) {
  if (value && value.type === 'Buffer' && Array.isArray(value.data)) {
    return Buffer.from(value.data).toString('hex');
  }
  return value;
}

const out = { metadata: {}, codec: null, schema: null, rows: [] };
avro.createFileDecoder(file)
  .on('metadata', (type, codec, header) => {
    out.codec = codec;
    for (const [key, value] of Object.entries(header.meta)) {
      out.metadata[key] = value.toString('utf8');
    }
    out.schema = JSON.parse(out.metadata['avro.schema']);
  })
  .on('data', (row) => out.rows.push(row))
  .on('error', (err) => {
    console.error(`read_avro: ${err.message}`);
    process.exit(1);
  })
  .on('end', () => {
    process.stdout.write(JSON.stringify(out, bytesToHex) + '\n');
  });
