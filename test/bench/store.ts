/**
 * The store's figures on both engines, in one run: the scheduler (claim-and-complete jobs/s with
 * 100,000 queued), fairness (org B's due step behind org A's 10,000 intakes), and webhook ingest
 * by separate backend processes (`npm start -- --role web`) on one database: SQLite with one,
 * PostgreSQL with 1, 2 and 4, against a bare Hono handler on the same machine. PostgreSQL is a
 * private cluster (test/helpers/postgres.ts), durable (fsync on) so commits cost what they would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { claimJob, completeJob, enqueueJob } from '../../server/src/db/jobs.js';
import { saveChannel } from '../../server/src/db/org-setup.js';
import { upsertAuthorizedOrg } from '../../server/src/db/orgs.js';
import { type Store, type StoreOptions, openStore, transaction } from '../../server/src/db/store.js';
import { JobRunner } from '../../server/src/engine/runner.js';
import { systemClock } from '../../server/src/lib/clock.js';
import { silentLogger } from '../../server/src/lib/logger.js';
import { TokenCipher } from '../../server/src/lib/token-cipher.js';
import { freePort } from '../helpers/free-port.js';
import { startPostgres } from '../helpers/postgres.js';
import { load, percentile } from './load.js';

const KEY = Buffer.alloc(32, 5);

async function scheduler(store: Store, name: string): Promise<number> {
  const db = store.db;
  const now = Date.UTC(2026, 10, 23, 10);
  let t0 = performance.now();
  for (let chunk = 0; chunk < 100; chunk += 1) {
    await transaction(db, async (tx) => {
      for (let index = chunk * 1_000; index < (chunk + 1) * 1_000; index += 1) {
        // 2,000 due now, the rest spread over the next 30 days.
        const runAt = index < 2_000 ? now - 1 : now + 60_000 + (index % 43_200) * 60_000;
        await enqueueJob(tx, { orgId: 'org', kind: 'step', key: `step:${index}:0`, payload: { leadId: String(index), step: 0 }, runAt }, now - 1);
      }
    });
  }
  const written = performance.now() - t0;
  const selects: number[] = [];
  t0 = performance.now();
  let claimed = 0;
  for (;;) {
    const s0 = performance.now();
    const job = await claimJob(db, now, 300_000);
    selects.push(performance.now() - s0);
    if (!job) break;
    await completeJob(db, job, now);
    claimed += 1;
  }
  const rate = claimed / ((performance.now() - t0) / 1000);
  console.log(`${name} scheduler: 100,000 queued in ${written.toFixed(0)} ms; ${claimed} due claimed and completed at ${rate.toFixed(0)} jobs/s; claim p50 ${percentile(selects, 50).toFixed(2)} ms, p99 ${percentile(selects, 99).toFixed(2)} ms`);
  return rate;
}

async function fairness(store: Store, name: string): Promise<void> {
  const db = store.db;
  const now = Date.now();
  await transaction(db, async (tx) => {
    for (let index = 0; index < 10_000; index += 1) await enqueueJob(tx, { orgId: 'org-a', kind: 'intake', key: `intake:a:${index}`, payload: {}, runAt: now - 60_000 }, now - 60_000);
    await enqueueJob(tx, { orgId: 'org-b', kind: 'step', key: 'step:b:0', payload: {}, runAt: now }, now);
  });
  let stepAfter = 0;
  let stepPosition = 0;
  let ran = 0;
  const t0 = performance.now();
  // Each job yields to the event loop a few times, as a Zoho call would.
  const work = async () => {
    ran += 1;
    for (let turn = 0; turn < 3; turn += 1) await new Promise((resolve) => setImmediate(resolve));
  };
  const runner = new JobRunner(db, systemClock, { intake: work, step: async () => {
    await work();
    stepAfter = performance.now() - t0;
    stepPosition = ran;
  } }, silentLogger, { concurrency: 2 });
  await runner.runUntilIdle();
  const seconds = (performance.now() - t0) / 1000;
  console.log(`${name} fairness: org B's due step ran as job ${stepPosition} of ${ran}, ${stepAfter.toFixed(1)} ms after the start, behind org A's 10,000 due intakes (goal: within 2 s); all ${ran} jobs at ${(ran / seconds).toFixed(0)} jobs/s with 2 lanes`);
}

/** An org with a notification channel, so the web processes accept its notifications. */
async function seedChannel(store: Store): Promise<{ channelId: string; token: string }> {
  const cipher = new TokenCipher(KEY);
  const org = await upsertAuthorizedOrg(store.db, { zohoOrgId: '990001', name: 'Bench', dc: 'us', accountsServer: 'https://accounts.zoho.com', apiDomain: 'https://www.zohoapis.com', userId: '1', userEmail: 'admin@bench.test', scopes: 'ZohoCRM.modules.ALL' }, Date.now());
  const token = 'bench-channel-token-0123456789';
  await saveChannel(store.db, { org_id: org.id, channel_id: '1100001', token_sealed: cipher.encrypt(token, `${org.id}:channel_token`), events: '[]', expires_at: Date.now() + 86_400_000, renewed_at: Date.now() });
  return { channelId: '1100001', token };
}

async function webProcesses(count: number, database: StoreOptions): Promise<{ urls: string[]; stop(): Promise<void> }> {
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  const urls: string[] = [];
  await Promise.all(
    Array.from({ length: count }, async () => {
      const port = await freePort();
      const dataDir = mkdtempSync(join(tmpdir(), 'bench-web-'));
      dirs.push(dataDir);
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts', '--role', 'web'], {
        env: {
          PATH: process.env.PATH ?? '',
          PORT: String(port),
          DATA_DIR: dataDir,
          ...(database.url ? { DATABASE_URL: database.url } : { DATABASE_PATH: database.path! }),
          ZOHO_CLIENT_ID: 'bench',
          ZOHO_CLIENT_SECRET: 'bench',
          ENCRYPTION_KEY: KEY.toString('base64'),
          RATE_LIMIT_WEBHOOK: '0',
          LOG_LEVEL: 'error',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      await new Promise<void>((resolve, reject) => {
        let output = '';
        const read = (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('Backend listening on')) resolve();
        };
        child.stdout!.on('data', read);
        child.stderr!.on('data', read);
        child.once('exit', (code) => reject(new Error(`web process exited (${String(code)}): ${output}`)));
      });
      urls.push(`http://127.0.0.1:${port}`);
    }),
  );
  return {
    urls,
    async stop() {
      await Promise.all(children.map((child) => new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      })));
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}

const NOTIFICATIONS = 4_000;
const CONCURRENCY = 64;

async function ingest(name: string, processes: number, database: StoreOptions, channel: { channelId: string; token: string }, offset: number) {
  const web = await webProcesses(processes, database);
  try {
    const body = (index: number) =>
      JSON.stringify({ server_time: 1, module: 'Contacts', ids: [String(5_725_700_900_000_000_000n + BigInt(offset + index))], operation: 'update', channel_id: channel.channelId, token: channel.token, affected_fields: [] });
    const send = (from: number) => (index: number) => fetch(`${web.urls[index % web.urls.length]}/webhooks/zoho`, { method: 'POST', body: body(from + index) });
    // Each process warms up first (1,000 notifications each): a fresh process compiles its hot paths
    // as it goes, and split four ways the measured run would be mostly that.
    await load(`  warm-up, ${processes} process${processes === 1 ? '' : 'es'}`, 1_000 * processes, CONCURRENCY, send(50_000));
    return await load(`${name}, ${processes} process${processes === 1 ? '' : 'es'}`, NOTIFICATIONS, CONCURRENCY, send(0));
  } finally {
    await web.stop();
  }
}

const bare = new Hono().post('/webhooks/zoho', async (c) => c.json({ received: true, queued: (await c.req.json<{ ids: string[] }>()).ids.length }));
const bareServer = await new Promise<ReturnType<typeof serve>>((resolve) => {
  const instance = serve({ fetch: bare.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(instance));
});
const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}`;

const dir = mkdtempSync(join(tmpdir(), 'bench-store-'));
const postgres = await startPostgres({ durable: true });
try {
  const databases: { name: string; options: (label: string) => Promise<StoreOptions> }[] = [
    { name: 'SQLite', options: async (label) => ({ path: join(dir, `${label}.sqlite`) }) },
    { name: 'PostgreSQL', options: async (label) => ({ url: await postgres.database(label) }) },
  ];
  const rates: Record<string, number> = {};
  for (const database of databases) {
    const schedulerStore = await openStore(await database.options('scheduler'));
    rates[database.name] = await scheduler(schedulerStore, database.name);
    await schedulerStore.close();
    const fairStore = await openStore(await database.options('fairness'));
    await fairness(fairStore, database.name);
    await fairStore.close();
  }
  console.log(`scheduler PostgreSQL / SQLite: ${(rates.PostgreSQL! / rates.SQLite!).toFixed(2)}`);

  console.log(`webhook ingest, ${NOTIFICATIONS.toLocaleString('en')} notifications, ${CONCURRENCY} concurrent, separate web processes, loopback:`);
  const bareSend = (index: number) => fetch(`${bareUrl}/webhooks/zoho`, { method: 'POST', body: JSON.stringify({ ids: [String(index)] }) });
  await load('  warm-up, bare Hono handler', 1_000, CONCURRENCY, bareSend);
  const baseline = await load('bare Hono handler (this process)', NOTIFICATIONS, CONCURRENCY, bareSend);
  const sqliteOptions = await databases[0]!.options('ingest');
  const sqliteStore = await openStore(sqliteOptions);
  const sqliteChannel = await seedChannel(sqliteStore);
  await sqliteStore.close();
  const sqlite = await ingest('SQLite', 1, sqliteOptions, sqliteChannel, 0);
  console.log(`  SQLite, 1 process / bare: ${(sqlite.rate / baseline.rate).toFixed(2)}`);
  const pgOptions = await databases[1]!.options('ingest');
  const pgStore = await openStore(pgOptions);
  const pgChannel = await seedChannel(pgStore);
  await pgStore.close();
  const byProcesses: Record<number, { rate: number; busy: number }> = {};
  for (const processes of [1, 2, 4]) byProcesses[processes] = await ingest('PostgreSQL', processes, pgOptions, pgChannel, processes * 100_000);
  const one = byProcesses[1]!;
  const cores = availableParallelism();
  // Requests per second of busy CPU (the whole machine's): what each added core would buy.
  const perCore = (run: { rate: number; busy: number }) => run.rate / (run.busy * cores);
  console.log(`  PostgreSQL / bare: 1 process ${(one.rate / baseline.rate).toFixed(2)}; 2 processes / 1: ${(byProcesses[2]!.rate / one.rate).toFixed(2)}×; 4 processes / 1: ${(byProcesses[4]!.rate / one.rate).toFixed(2)}× (goal 2×)`);
  console.log(`  the load, the processes and PostgreSQL share this machine's ${cores} cores: busy ${[1, 2, 4].map((n) => `${(byProcesses[n]!.busy * 100).toFixed(0)}%`).join(', ')} with 1, 2 and 4 processes, so the machine is full before a second process starts and the 2× goal needs free cores; per busy core: 1 process ${perCore(one).toFixed(0)} req/s, 2 processes ${perCore(byProcesses[2]!).toFixed(0)}, 4 processes ${perCore(byProcesses[4]!).toFixed(0)}`);
} finally {
  bareServer.close();
  await postgres.stop();
  rmSync(dir, { recursive: true, force: true });
}
