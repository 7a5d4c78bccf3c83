// Writes an Avro object container file with avsc, for floe's reader to read back: ROWS rows of a
// fixed schema covering every Avro type, in small blocks so that there are several.
//
//   node write_avro.mjs AVSC_DIR FILE CODEC ROWS
//
// Row i holds: id = i, big = i * 1000000007, name = "row-i", flag = (i % 2 == 0),
// ratio = i / 4 (float), score = null for even i else i + 0.5, blob = bytes [i % 256, 0xff],
// tags = {"a": i, "b": -i}, parts = [{n: i, label: "p0"}, {n: i + 1, label: null}],
// color = ["RED", "GREEN", "BLUE"][i % 3], digest = 4 bytes [i % 256, 1, 2, 3].

import { createRequire } from 'node:module';
import path from 'node:path';

const [avscDir, file, codec, rowsArg] = process.argv.slice(2);
if (!avscDir || !file || !codec || !rowsArg) {
  console.error('usage: node write_avro.mjs AVSC_DIR FILE CODEC ROWS');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const avro = require(path.resolve(avscDir));

const schema = {
  type: 'record',
  name: 'peer_row',
  namespace: 'floe.test',
  fields: [
    { name: 'id', type: 'int', 'field-id': 1 },
    { name: 'big', type: 'long', 'field-id': 2 },
    { name: 'name', type: 'string', 'field-id': 3 },
    { name: 'flag', type: 'boolean', 'field-id': 4 },
    { name: 'ratio', type: 'float', 'field-id': 5 },
    { name: 'score', type: ['null', 'double'], default: null, 'field-id': 6 },
    { name: 'blob', type: 'bytes', 'field-id': 7 },
    { name: 'tags', type: { type: 'map', values: 'long' }, 'field-id': 8 },
    {
      name: 'parts',
      'field-id': 9,
      type: {
        type: 'array',
        'element-id': 10,
        items: {
          type: 'record',
          name: 'part',
          fields: [
            { name: 'n', type: 'long' },
            { name: 'label', type: ['null', 'string'], default: null },
          ],
        },
      },
    },
    { name: 'color', type: { type: 'enum', name: 'color', symbols: ['RED', 'GREEN', 'BLUE'] } },
    { name: 'digest', type: { type: 'fixed', name: 'digest4', size: 4 } },
  ],
};
const type = avro.Type.forSchema(schema);
const rowCount = Number(rowsArg);
const blockSizeBytes = 256;
const encoder = avro.createFileEncoder(file, type, {
  codec,
  blockSize: blockSizeBytes,
  metadata: { writer: Buffer.from('avsc') },
});
encoder.on('error', (err) => {
  console.error(`write_avro: ${err.message}`);
  process.exit(1);
});
for (let i = 0; i < rowCount; i++) {
  encoder.write({
    id: i,
    big: i * 1000000007,
    name: `row-${i}`,
    flag: i % 2 === 0,
    ratio: i / 4,
    score: i % 2 === 0 ? null : i + 0.5,
    blob: Buffer.from([i % 256, 0xff]),
    tags: { a: i, b: -i },
    parts: [
      { n: i, label: 'p0' },
      { n: i + 1, label: null },
    ],
    color: ['RED', 'GREEN', 'BLUE'][i % 3],
    digest: Buffer.from([i % 256, 1, 2, 3]),
  });
}
encoder.end();
