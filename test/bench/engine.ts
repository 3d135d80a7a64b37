/**
 * The engine's figures: webhook ingest against a bare Hono handler, assignment-to-lead latency
 * through the sandbox, and Zoho credits per lead (the scheduler and fairness: test/bench/store.ts).
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { startTestBackend } from '../helpers/backend-harness.js';
import { connectOrg } from '../helpers/connected-org.js';
import { setUpAssistant } from '../helpers/engine-scenario.js';
import { row, run } from '../helpers/store.js';
import { load, percentile } from './load.js';

const backend = await startTestBackend({ env: { LOG_LEVEL: 'silent' } });
try {
  const org = await connectOrg(backend);
  const scenario = await setUpAssistant(backend, org);
  const channel = (await row<{ channel_id: string; org_id: string; token_sealed: string }>(backend.deps.db, 'SELECT channel_id, org_id, token_sealed FROM notification_channels'))!;
  const token = backend.deps.cipher.decrypt(channel.token_sealed, `${channel.org_id}:channel_token`);

  // 1. Webhook ingest: verify, validate, commit to the inbox and queue intake (synchronous=FULL), answer.
  const bare = new Hono().post('/webhooks/zoho', async (c) => c.json({ received: true, queued: (await c.req.json<{ ids: string[] }>()).ids.length }));
  const bareServer = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const instance = serve({ fetch: bare.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(instance));
  });
  const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}`;
  const body = (index: number) =>
    JSON.stringify({ server_time: 1, module: 'Contacts', ids: [String(5_725_700_900_000_000_000n + BigInt(index))], operation: 'update', channel_id: channel.channel_id, token, affected_fields: [] });
  console.log('webhook ingest, 5,000 notifications, 50 concurrent, loopback (each side warmed up with 1,000, then three runs in turn; the median run counts):');
  const ourUrl = `${backend.url}/webhooks/zoho`;
  const bareHook = `${bareUrl}/webhooks/zoho`;
  let sent = 0;
  const post = (url: string) => () => fetch(url, { method: 'POST', body: body(sent++) });
  await load('  warm-up (ours)', 1_000, 50, post(ourUrl));
  await load('  warm-up (bare)', 1_000, 50, post(bareHook));
  const runs: { ours: Awaited<ReturnType<typeof load>>; bare: Awaited<ReturnType<typeof load>> }[] = [];
  for (let round = 0; round < 3; round += 1) {
    runs.push({ ours: await load('  POST /webhooks/zoho (ours)', 5_000, 50, post(ourUrl)), bare: await load('  bare Hono handler', 5_000, 50, post(bareHook)) });
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[1]!;
  console.log(`  ours / bare (median of 3): throughput ${(median(runs.map((run) => run.ours.rate)) / median(runs.map((run) => run.bare.rate))).toFixed(2)} (goal 0.5), p99 ${(median(runs.map((run) => run.ours.p99)) / median(runs.map((run) => run.bare.p99))).toFixed(2)}×; per run ${runs.map((run) => (run.ours.rate / run.bare.rate).toFixed(2)).join(', ')}`);
  bareServer.close();
  await run(backend.deps.db, "DELETE FROM jobs WHERE kind = 'intake'");

  // 2. Assignment to lead, through the sandbox's real notifications.
  backend.deps.engine.runner.start(5);
  const delays: number[] = [];
  for (let index = 0; index < 30; index += 1) {
    const recordId = await scenario.contact();
    const t0 = performance.now();
    await scenario.assign('Contacts', recordId, scenario.assistantUserId);
    while (!(await scenario.leadOf(recordId))) await new Promise((resolve) => setTimeout(resolve, 2));
    delays.push(performance.now() - t0);
  }
  await backend.deps.engine.runner.stop();
  console.log(`assignment → lead (30 assignments): p50 ${percentile(delays, 50).toFixed(0)} ms, p99 ${percentile(delays, 99).toFixed(0)} ms`);

} finally {
  await backend.stop();
}

// 4. Zoho calls and credits per lead over a full 5-step sequence, on a fresh org (20 leads).
const fresh = await startTestBackend({ env: { LOG_LEVEL: 'silent' } });
try {
  const org = await connectOrg(fresh);
  const scenario = await setUpAssistant(fresh, org);
  const backend = fresh;
  const five = await org.api('POST', '/sequences', { name: 'Five steps', steps: [0, 2, 2, 3, 4].map((days) => ({ after_days: days })), is_default: true });
  if (five.status !== 201) throw new Error(JSON.stringify(five.body));
  const records: string[] = [];
  for (let index = 0; index < 20; index += 1) records.push(await scenario.contact());
  for (const recordId of records) await scenario.assign('Contacts', recordId, scenario.assistantUserId);
  // From here on every CRM call is the backend's (the test's own calls came before).
  const ledger = backend.sandbox.sandbox.deps.db;
  const from = ledger.prepare('SELECT COALESCE(MAX(rowid), 0) FROM credit_ledger').pluck().get() as number;
  const startedAt = fresh.sandbox.clock.now();
  await scenario.settle();
  const statuses = async () => Promise.all(records.map(async (recordId) => (await scenario.leadOf(recordId))?.status));
  for (let guard = 0; guard < 200 && (await statuses()).includes('active'); guard += 1) {
    if (!(await scenario.advanceToNextWork())) break;
  }
  const all = ledger.prepare('SELECT method, path, COUNT(*) AS calls, SUM(credits) AS credits FROM credit_ledger WHERE rowid > ? GROUP BY method, path ORDER BY calls DESC').all(from) as { method: string; path: string; calls: number; credits: number }[];
  // The polling sweep (COQL) and channel renewal are per org and per hour, not per lead.
  const fixed = all.filter((row) => row.path.endsWith('/coql') || row.path.endsWith('/actions/watch'));
  const spent = all.filter((row) => !fixed.includes(row));
  const calls = spent.reduce((sum, row) => sum + row.calls, 0);
  const credits = spent.reduce((sum, row) => sum + row.credits, 0);
  const days = (fresh.sandbox.clock.now() - startedAt) / 86_400_000;
  const done = (await statuses()).filter((status) => status === 'handed_back').length;
  const emails = await Promise.all(records.map(async (recordId) => (await scenario.leadOf(recordId))!.email!));
  const sent = backend.smtp.messages.filter((mail) => emails.some((email) => mail.to.includes(email))).length;
  console.log(`5-step sequence, ${records.length} leads (${done} handed back, ${sent} emails): ${calls} Zoho calls, ${credits} credits → ${(credits / records.length).toFixed(2)} credits and ${(calls / records.length).toFixed(2)} calls per lead (aim: 3 credits)`);
  for (const row of spent) console.log(`  ${String(row.calls).padStart(5)} calls ${String(row.credits).padStart(5)} credits  ${row.method} ${row.path}`);
  const fixedCredits = fixed.reduce((sum, row) => sum + row.credits, 0);
  console.log(`per org, not per lead: ${fixedCredits} credits for sweeps and channel renewal over ${days.toFixed(1)} simulated days (the engine ran only at due times; a live sweep every 10 minutes costs about 432 credits a day per org)`);
} finally {
  await fresh.stop();
}

// The scheduler and fairness, on SQLite and PostgreSQL: test/bench/store.ts.
