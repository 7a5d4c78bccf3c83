// A writer that commits N snapshots to one table through the REST protocol the way a streaming
// writer does (add-snapshot + set-snapshot-ref with assert-table-uuid and
// assert-ref-snapshot-id on main), reloading and retrying on 409. Several of these at once must
// all land: the final table holds every writer's snapshots in one parent chain.
// The snapshots point at no real manifest list: this exercises the catalog's compare-and-swap,
// not the data path.
//
//   node concurrent_writer.mjs BASE_URL CLIENT_ID SECRET WAREHOUSE NAMESPACE TABLE WRITER N
// Prints "writer W: N commits, R retries".

const [baseUrl, clientId, secret, warehouse, ns, table, writer, countText] = process.argv.slice(2);
const count = Number(countText);
if (!(count > 0)) {
  console.error('usage: concurrent_writer.mjs BASE_URL CLIENT_ID SECRET WAREHOUSE NS TABLE WRITER N');
  process.exit(2);
}

async function token() {
  const body = new URLSearchParams({
    grant_type: 'client_credentials', client_id: clientId, client_secret: secret,
    scope: 'PRINCIPAL_ROLE:ALL',
  });
  const res = await fetch(`${baseUrl}/v1/oauth/tokens`, { method: 'POST', body });
  if (!res.ok) throw new Error(`token: HTTP ${res.status}`);
  return (await res.json()).access_token;
}

const bearer = await token();
const tableUrl = `${baseUrl}/v1/${encodeURIComponent(warehouse)}/namespaces/${encodeURIComponent(ns)}/tables/${encodeURIComponent(table)}`;
const headers = { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' };

async function load() {
  const res = await fetch(tableUrl, { headers });
  if (!res.ok) throw new Error(`load: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()).metadata;
}

let retries = 0;
for (let i = 0; i < count; i++) {
  // Ids below 2^53 so that JSON numbers stay exact in JavaScript.
  const id = Number(writer) * 1_000_000 + i + 1;
  for (;;) {
    const metadata = await load();
    const parent = metadata['current-snapshot-id'];
    const hasParent = parent !== undefined && parent !== null && parent !== -1;
    const snapshot = {
      'snapshot-id': id,
      'sequence-number': metadata['last-sequence-number'] + 1,
      'timestamp-ms': Date.now(),
      'manifest-list': `${metadata.location}/metadata/snap-${id}-fake.avro`,
      summary: { operation: 'append', 'floe.writer': String(writer) },
      'schema-id': metadata['current-schema-id'],
    };
    if (hasParent) snapshot['parent-snapshot-id'] = parent;
    const body = {
      requirements: [
        { type: 'assert-table-uuid', uuid: metadata['table-uuid'] },
        { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': hasParent ? parent : null },
      ],
      updates: [
        { action: 'add-snapshot', snapshot },
        { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': id },
      ],
    };
    const res = await fetch(tableUrl, { method: 'POST', headers, body: JSON.stringify(body) });
    if (res.ok) break;
    if (res.status === 409) {
      retries++;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
      continue;
    }
    throw new Error(`commit ${id}: HTTP ${res.status} ${await res.text()}`);
  }
}
console.log(`writer ${writer}: ${count} commits, ${retries} retries`);
