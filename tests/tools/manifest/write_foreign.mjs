// Writes manifests and a manifest list with avsc in layouts floe does not write itself, for
// floe's readers to read back:
//   DIR/list-v1.avro      a format-v1 manifest list (Java's v1 names: added_data_files_count...,
//                         optional counts, no content or sequence numbers)
//   DIR/manifest-v1.avro  a format-v1 manifest (required snapshot_id, no sequence numbers,
//                         block_size_in_bytes 105) with one entry
//   DIR/manifest-v2.avro  a format-v2 delete manifest with its fields in another order, an
//                         extra data_file field (distinct_counts 111), an extra partition field
//                         and id_bucket renamed to id_renamed (same field id 1001);
//                         entry 0 ADDED with null sequence numbers, entry 1 EXISTING (seq 2/1)
// Every manifest is partitioned by ts_day (1000, date) and id_bucket (1001, int).
//
//   node write_foreign.mjs AVSC_DIR DIR

import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const [avscDir, dir] = process.argv.slice(2);
if (!avscDir || !dir) {
  console.error('usage: node write_foreign.mjs AVSC_DIR DIR');
  process.exit(2);
}
const avro = createRequire(import.meta.url)(path.resolve(avscDir));

const optional = (name, type, id) => ({ name, type: ['null', type], default: null, 'field-id': id });
const intMap = (name, id, keyId, valueId, valueType) =>
  optional(name, {
    type: 'array',
    logicalType: 'map',
    items: {
      type: 'record',
      name: `k${keyId}_v${valueId}`,
      fields: [
        { name: 'key', type: 'int', 'field-id': keyId },
        { name: 'value', type: valueType, 'field-id': valueId },
      ],
    },
  }, id);
const partitionFields = [
  optional('ts_day', { type: 'int', logicalType: 'date' }, 1000),
  optional('id_bucket', 'int', 1001),
];

function write(file, schema, metadata, rows) {
  const meta = Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, Buffer.from(v)]));
  // The schema object itself, not a parsed Type: avsc then writes it to the header verbatim,
  // field ids included. Its unions are all ["null", T], which avsc reads unwrapped.
  const encoder = new avro.streams.BlockEncoder(schema, { codec: 'deflate', metadata: meta });
  const chunks = [];
  encoder.on('data', (chunk) => chunks.push(chunk));
  encoder.on('end', () => fs.writeFileSync(path.join(dir, file), Buffer.concat(chunks)));
  for (const row of rows) encoder.write(row);
  encoder.end();
}

const tableSchema = JSON.stringify({
  type: 'struct', 'schema-id': 0, fields: [
    { id: 1, name: 'id', required: true, type: 'long' },
    { id: 2, name: 'ts', required: false, type: 'timestamp' },
  ],
});
const specJson = JSON.stringify([
  { name: 'ts_day', transform: 'day', 'source-id': 2, 'field-id': 1000 },
  { name: 'id_bucket', transform: 'bucket[4]', 'source-id': 1, 'field-id': 1001 },
]);

// ---- v1 manifest list ----
const summary = {
  type: 'record', name: 'r508', fields: [
    { name: 'contains_null', type: 'boolean', 'field-id': 509 },
    optional('contains_nan', 'boolean', 518),
    optional('lower_bound', 'bytes', 510),
    optional('upper_bound', 'bytes', 511),
  ],
};
write('list-v1.avro', {
  type: 'record', name: 'manifest_file', fields: [
    { name: 'manifest_path', type: 'string', 'field-id': 500 },
    { name: 'manifest_length', type: 'long', 'field-id': 501 },
    { name: 'partition_spec_id', type: 'int', 'field-id': 502 },
    { name: 'added_snapshot_id', type: ['null', 'long'], default: null, 'field-id': 503 },
    optional('added_data_files_count', 'int', 504),
    optional('existing_data_files_count', 'int', 505),
    optional('deleted_data_files_count', 'int', 506),
    optional('partitions', { type: 'array', items: summary, 'element-id': 508 }, 507),
    optional('added_rows_count', 'long', 512),
    optional('existing_rows_count', 'long', 513),
    optional('deleted_rows_count', 'long', 514),
  ],
}, { 'snapshot-id': '77', 'parent-snapshot-id': 'null', 'format-version': '1' }, [{
  manifest_path: path.join(dir, 'manifest-v1.avro'),
  manifest_length: 1234,
  partition_spec_id: 0,
  added_snapshot_id: 77,
  added_data_files_count: 1,
  existing_data_files_count: null,
  deleted_data_files_count: 0,
  partitions: [
    { contains_null: false, contains_nan: null, lower_bound: Buffer.from([0x4d, 0x4f, 0, 0]), upper_bound: Buffer.from([0x4d, 0x4f, 0, 0]) },
    { contains_null: true, contains_nan: null, lower_bound: null, upper_bound: null },
  ],
  added_rows_count: 5,
  existing_rows_count: null,
  deleted_rows_count: 0,
}]);

// ---- v1 manifest ----
write('manifest-v1.avro', {
  type: 'record', name: 'manifest_entry', fields: [
    { name: 'status', type: 'int', 'field-id': 0 },
    { name: 'snapshot_id', type: 'long', 'field-id': 1 },
    {
      name: 'data_file', 'field-id': 2, type: {
        type: 'record', name: 'r2', fields: [
          { name: 'file_path', type: 'string', 'field-id': 100 },
          { name: 'file_format', type: 'string', 'field-id': 101 },
          { name: 'partition', type: { type: 'record', name: 'r102', fields: partitionFields }, 'field-id': 102 },
          { name: 'record_count', type: 'long', 'field-id': 103 },
          { name: 'file_size_in_bytes', type: 'long', 'field-id': 104 },
          { name: 'block_size_in_bytes', type: 'long', 'field-id': 105 },
          intMap('value_counts', 109, 119, 120, 'long'),
          intMap('lower_bounds', 125, 126, 127, 'bytes'),
          optional('split_offsets', { type: 'array', items: 'long', 'element-id': 133 }, 132),
        ],
      },
    },
  ],
}, { schema: tableSchema, 'partition-spec': specJson, 'partition-spec-id': '0', 'format-version': '1' }, [{
  status: 1,
  snapshot_id: 77,
  data_file: {
    file_path: 's3://b/t/data/v1.parquet',
    file_format: 'parquet',
    partition: { ts_day: 20301, id_bucket: null },
    record_count: 5,
    file_size_in_bytes: 999,
    block_size_in_bytes: 67108864,
    value_counts: [{ key: 1, value: 5 }],
    lower_bounds: [{ key: 1, value: Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]) }],
    split_offsets: [4],
  },
}]);

// ---- v2 manifest, reordered and with extra fields ----
write('manifest-v2.avro', {
  type: 'record', name: 'manifest_entry', fields: [
    { name: 'status', type: 'int', 'field-id': 0 },
    {
      name: 'data_file', 'field-id': 2, type: {
        type: 'record', name: 'r2', fields: [
          { name: 'file_path', type: 'string', 'field-id': 100, doc: 'Location URI with FS scheme' },
          { name: 'content', type: 'int', 'field-id': 134 },
          { name: 'file_format', type: 'string', 'field-id': 101 },
          {
            name: 'partition', 'field-id': 102, type: {
              type: 'record', name: 'r102', fields: [
                optional('extra', 'string', 1999),
                optional('id_renamed', 'int', 1001),
                partitionFields[0],
              ],
            },
          },
          { name: 'record_count', type: 'long', 'field-id': 103 },
          { name: 'file_size_in_bytes', type: 'long', 'field-id': 104 },
          intMap('distinct_counts', 111, 123, 124, 'long'),
          intMap('null_value_counts', 110, 121, 122, 'long'),
          optional('equality_ids', { type: 'array', items: 'int', 'element-id': 136 }, 135),
          optional('sort_order_id', 'int', 140),
        ],
      },
    },
    optional('file_sequence_number', 'long', 4),
    optional('sequence_number', 'long', 3),
    optional('snapshot_id', 'long', 1),
  ],
}, { schema: tableSchema, 'schema-id': '0', 'partition-spec': specJson, 'partition-spec-id': '0', 'format-version': '2', content: 'deletes' }, [
  {
    status: 1,
    data_file: {
      file_path: 's3://b/t/data/eq.parquet', content: 2, file_format: 'PARQUET',
      partition: { extra: 'x', id_renamed: 3, ts_day: 20302 },
      record_count: 7, file_size_in_bytes: 700,
      distinct_counts: [{ key: 1, value: 7 }], null_value_counts: [{ key: 1, value: 0 }],
      equality_ids: [1], sort_order_id: null,
    },
    file_sequence_number: null, sequence_number: null, snapshot_id: null,
  },
  {
    status: 0,
    data_file: {
      file_path: 's3://b/t/data/eq-old.parquet', content: 2, file_format: 'PARQUET',
      partition: { extra: null, id_renamed: null, ts_day: null },
      record_count: 8, file_size_in_bytes: 800,
      distinct_counts: null, null_value_counts: null, equality_ids: [1, 2], sort_order_id: 0,
    },
    file_sequence_number: 1, sequence_number: 2, snapshot_id: 66,
  },
]);
