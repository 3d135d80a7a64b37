/**
 * `npm run bench`: how fast the sandbox answers, and what Zoho's SDK costs over plain fetch
 * against the same server. Numbers are for comparison on one machine, not limits.
 */
import { ManualClock } from '../../server/src/lib/clock.js';
import { ALL_SCOPES, startTestSandbox } from '../helpers/sandbox-client.js';
import { ZOHO, initSdk } from '../helpers/zoho-sdk.js';
import { buildGatewayStack, connectDirectly } from '../helpers/gateway-harness.js';

const REQUESTS = 2_000;
const CONCURRENCY = 10;

async function timed(label: string, count: number, run: (index: number) => Promise<void>, concurrency = CONCURRENCY) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await run(next++);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const rate = count / seconds;
  console.log(`${label.padEnd(44)} ${String(count).padStart(6)} calls  ${rate.toFixed(0).padStart(6)} calls/s`);
  return rate;
}

const test = await startTestSandbox({ clock: new ManualClock(Date.now()) });
try {
  const org = await test.createOrg({ name: 'Bench', limits: { credits_per_day: 10_000_000, concurrency: 1000 } });
  const { access_token: token } = await test.token(org);
  const batch = Array.from({ length: 100 }, (_, i) => ({ Last_Name: `Bench ${i}`, Email: `b${i}@bench.test` }));
  for (let i = 0; i < 10; i += 1) await test.crm(token, 'POST', '/Contacts', { data: batch });
  console.log('sandbox on loopback, 1,000 Contacts, concurrency', CONCURRENCY);

  const get = await timed('GET /Contacts?fields=… (200 per page), fetch', REQUESTS / 4, async () => {
    const response = await test.crm(token, 'GET', '/Contacts?fields=Last_Name,Email,Owner');
    if (response.status !== 200) throw new Error(`status ${response.status}`);
  });
  await timed('GET /org, fetch', REQUESTS, async () => {
    if ((await test.crm(token, 'GET', '/org')).status !== 200) throw new Error('org failed');
  });
  await timed('POST /coql (email =), fetch', REQUESTS / 4, async (index) => {
    const response = await test.crm(token, 'POST', '/coql', { select_query: `select Last_Name from Contacts where Email = 'b${index % 100}@bench.test'` });
    if (response.status !== 200) throw new Error(`status ${response.status}`);
  });

  const grant = await test.admin<{ code: string }>('POST', `/sandbox/orgs/${org.org_id}/grant`, { scope: ALL_SCOPES });
  const session = await initSdk({ apiDomain: org.api_domain, accountsServer: org.accounts_server, clientId: org.client.client_id, clientSecret: org.client.client_secret, grantCode: grant.body.code });
  try {
    const params = new ZOHO.ParameterMap();
    await params.add(ZOHO.Record.GetRecordsParam.FIELDS, 'Last_Name,Email,Owner');
    const operations = new ZOHO.Record.RecordOperations('Contacts');
    const sdk = await timed("GET /Contacts via Zoho's SDK", REQUESTS / 4, async () => {
      const response = await operations.getRecords(params);
      if (response?.getStatusCode() !== 200) throw new Error(`status ${response?.getStatusCode()}`);
    });
    console.log(`SDK / fetch throughput ratio for a 200-record page: ${(sdk / get).toFixed(2)}`);
  } finally {
    session.dispose();
  }

  // The gateway: the SDK confined to org-affine worker threads, two orgs interleaved.
  const client = await test.admin<{ client_id: string; client_secret: string }>('POST', '/sandbox/clients', { name: 'Bench backend' });
  const second = await test.createOrg({ name: 'Bench 2', client_id: client.body.client_id, limits: { credits_per_day: 10_000_000, concurrency: 1000 } });
  const first = await test.createOrg({ name: 'Bench 1', client_id: client.body.client_id, limits: { credits_per_day: 10_000_000, concurrency: 1000 } });
  for (const workers of [1, 2, 4]) {
    const stack = await buildGatewayStack({ clock: test.clock, clientId: client.body.client_id, clientSecret: client.body.client_secret, workers });
    try {
      const orgs = [await connectDirectly(test, stack, first, test.clock), await connectDirectly(test, stack, second, test.clock)];
      const expected = [first.org_id, second.org_id];
      let wrong = 0;
      const gateway = await timed(`gateway getOrg, ${workers} worker(s), 2 orgs`, REQUESTS, async (index) => {
        const info = await stack.gateway.getOrg(orgs[index % 2]!);
        if (info.zgid !== expected[index % 2]) wrong += 1;
      }, 20);
      const { access_token: plainToken } = await test.token(first);
      const plain = await timed('plain fetch GET /org, same load', REQUESTS, async () => {
        if ((await test.crm(plainToken, 'GET', '/org')).status !== 200) throw new Error('org failed');
      }, 20);
      console.log(`  cross-org answers: ${wrong}; gateway / fetch: ${(gateway / plain).toFixed(2)}; memory rss ${Math.round(process.memoryUsage().rss / 1e6)} MB`);
    } finally {
      await stack.close();
    }
  }
} finally {
  await test.stop();
}
