// An outside client against a REST catalog: iceberg-js (from ../shared/peer) authenticates with
// OAuth2 client credentials, lists namespaces, creates a namespace and a table, loads it, commits
// a property change and lists the tables. Prints "iceberg-js: ok (N checks)" or exits non-zero.
//
//   node iceberg_js_check.mjs BASE_URL CLIENT_ID SECRET WAREHOUSE [PEER_DIR]
//   (BASE_URL like http://127.0.0.1:8181/api/catalog)
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [baseUrl, clientId, secret, warehouse, peerArg] = process.argv.slice(2);
if (!warehouse) {
  console.error('usage: iceberg_js_check.mjs BASE_URL CLIENT_ID SECRET WAREHOUSE [PEER_DIR]');
  process.exit(2);
}
const here = path.dirname(fileURLToPath(import.meta.url));
const peer = peerArg || process.env.FLOE_PEER_DIR || path.resolve(here, '../../../../shared/peer');
const require = createRequire(path.join(peer, 'package.json'));
const { IcebergRestCatalog, IcebergError } = require('iceberg-js');

let checks = 0;
function check(condition, what) {
  if (!condition) {
    console.error(`FAIL: ${what}`);
    process.exit(1);
  }
  checks++;
  console.log(`ok: ${what}`);
}

// OAuth2 client credentials, as Java's client does it: the token endpoint under the base URL.
let token;
async function fetchToken() {
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: secret,
    scope: 'PRINCIPAL_ROLE:ALL',
  });
  const res = await fetch(`${baseUrl}/v1/oauth/tokens`, { method: 'POST', body });
  if (!res.ok) throw new Error(`token endpoint answered ${res.status}`);
  return (await res.json()).access_token;
}

const catalog = new IcebergRestCatalog({
  baseUrl,
  warehouse,
  auth: {
    type: 'custom',
    getHeaders: async () => {
      token ??= await fetchToken();
      return { Authorization: `Bearer ${token}` };
    },
  },
});

const schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'id', type: 'long', required: true },
    { id: 2, name: 'ts', type: 'timestamptz', required: false },
    { id: 3, name: 'body', type: 'string', required: false },
  ],
};

const config = await catalog.loadConfig();
check(config.overrides?.prefix === warehouse, `config: prefix ${config.overrides?.prefix}`);

const before = await catalog.listNamespaces();
check(Array.isArray(before.namespaces), `listNamespaces: ${JSON.stringify(before.namespaces)}`);

await catalog.createNamespace({ namespace: ['js_ns'] }, { properties: { owner: 'iceberg-js' } });
const after = await catalog.listNamespaces();
check(after.namespaces.some((n) => n.namespace ? n.namespace.join('.') === 'js_ns' : n.join('.') === 'js_ns'),
  `listNamespaces shows js_ns: ${JSON.stringify(after.namespaces)}`);
const nsMeta = await catalog.loadNamespaceMetadata({ namespace: ['js_ns'] });
check(nsMeta.properties?.owner === 'iceberg-js', `loadNamespaceMetadata: ${JSON.stringify(nsMeta)}`);

const created = await catalog.createTable(
  { namespace: ['js_ns'] },
  {
    name: 'events',
    schema,
    'partition-spec': { 'spec-id': 0, fields: [] },
    'write-order': { 'order-id': 0, fields: [] },
    properties: { 'write.format.default': 'parquet' },
  },
);
check(created['table-uuid'] && created['format-version'] === 2, `createTable: uuid ${created['table-uuid']}`);

const loaded = await catalog.loadTable({ namespace: ['js_ns'], name: 'events' });
const fields = loaded.schemas[0].fields.map((f) => `${f.name}:${f.type}`).join(',');
check(fields === 'id:long,ts:timestamptz,body:string', `loadTable: fields ${fields}`);
check(loaded['table-uuid'] === created['table-uuid'], 'loadTable: same uuid as created');

const result = await catalog.loadTableResult({ namespace: ['js_ns'], name: 'events' });
check(typeof result['metadata-location'] === 'string' && result['metadata-location'].endsWith('.metadata.json'),
  `loadTableResult: ${result['metadata-location']}`);

const updated = await catalog.updateTable(
  { namespace: ['js_ns'], name: 'events' },
  {
    requirements: [{ type: 'assert-table-uuid', uuid: created['table-uuid'] }],
    updates: [{ action: 'set-properties', updates: { 'comment': 'from iceberg-js' } }],
  },
);
const props = (updated.metadata ?? updated).properties ?? {};
check(props.comment === 'from iceberg-js', `updateTable: properties ${JSON.stringify(props)}`);

const tables = await catalog.listTables({ namespace: ['js_ns'] });
check(tables.identifiers.map((t) => t.name).join(',') === 'events', `listTables: ${JSON.stringify(tables)}`);

let conflict = null;
try {
  await catalog.createTable({ namespace: ['js_ns'] }, { name: 'events', schema });
} catch (e) {
  conflict = e;
}
check(conflict instanceof IcebergError && conflict.status === 409, `createTable twice: ${conflict?.status}`);

let denied = null;
try {
  const stranger = new IcebergRestCatalog({ baseUrl, warehouse, auth: { type: 'bearer', token: 'forged' } });
  await stranger.listNamespaces();
} catch (e) {
  denied = e;
}
check(denied instanceof IcebergError && denied.status === 401, `a forged token is refused: ${denied?.status}`);

await catalog.dropTable({ namespace: ['js_ns'], name: 'events' });
const empty = await catalog.listTables({ namespace: ['js_ns'] });
check(empty.identifiers.length === 0, 'dropTable removes it');
await catalog.dropNamespace({ namespace: ['js_ns'] });

console.log(`iceberg-js: ok (${checks} checks)`);
