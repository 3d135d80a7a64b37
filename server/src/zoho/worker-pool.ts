import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../lib/logger.js';
import { ZohoUnavailableError } from './errors.js';
import type { OperationName } from './sdk-operations.js';
import type { WorkerRequest, WorkerResponse, WorkerSession } from './sdk-worker.js';

/** A failure the worker reported for one call: Zoho's envelope, or the SDK giving up. */
export class WorkerCallError extends Error {
  constructor(readonly failure: Extract<WorkerResponse, { ok: false }>['error']) {
    super(failure.message);
  }
}

interface Job {
  request: Omit<WorkerRequest, 'id'>;
  enqueuedAt: number;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** Runs the SDK worker from its built .js file, or from source through tsx when running TypeScript. */
function spawnSdkWorker(): Worker {
  const here = import.meta.url;
  if (here.endsWith('.js')) return new Worker(new URL('./sdk-worker.js', here));
  const tsxManifest = createRequire(here).resolve('tsx/package.json');
  const exports = (createRequire(here)(tsxManifest) as { exports: Record<string, { import: { default: string } }> }).exports;
  const tsxApi = pathToFileURL(join(dirname(tsxManifest), exports['./esm/api']!.import.default)).href;
  const entry = new URL('./sdk-worker.ts', here).href;
  const code = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(code, { eval: true });
}

/**
 * One lane: a worker thread with its own SDK instance, one call at a time. A call that overruns
 * its timeout takes the worker down with it (so no later call can overlap the stuck one inside
 * the SDK), and a fresh worker carries on with the queue.
 */
class Lane {
  private worker: Worker | undefined;
  private readonly queue: Job[] = [];
  private running: { id: number; job: Job; timer: NodeJS.Timeout } | undefined;
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly index: number,
    private readonly callTimeoutMs: number,
    private readonly queueTimeoutMs: number,
    private readonly logger: Logger,
  ) {}

  submit(job: Job): void {
    if (this.closed) {
      job.reject(new ZohoUnavailableError('the Zoho gateway is shut down'));
      return;
    }
    this.queue.push(job);
    this.pump();
  }

  get depth(): number {
    return this.queue.length + (this.running ? 1 : 0);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = spawnSdkWorker();
    worker.on('message', (response: WorkerResponse) => this.finish(worker, response));
    worker.on('error', (error) => this.crash(worker, error));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.crash(worker, new Error(`SDK worker exited with code ${code}`));
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private pump(): void {
    if (this.running || this.closed) return;
    const job = this.queue.shift();
    if (!job) return;
    if (Date.now() - job.enqueuedAt > this.queueTimeoutMs) {
      job.reject(new ZohoUnavailableError(`a Zoho call waited over ${this.queueTimeoutMs} ms for its turn`));
      this.pump();
      return;
    }
    const id = this.nextId++;
    const timer = setTimeout(() => this.timeout(id), this.callTimeoutMs);
    this.running = { id, job, timer };
    this.ensureWorker().postMessage({ ...job.request, id } satisfies WorkerRequest);
  }

  private finish(worker: Worker, response: WorkerResponse): void {
    if (worker !== this.worker || !this.running || response.id !== this.running.id) return;
    const { job, timer } = this.running;
    clearTimeout(timer);
    this.running = undefined;
    if (response.ok) job.resolve(response.value);
    else job.reject(new WorkerCallError(response.error));
    this.pump();
  }

  private timeout(id: number): void {
    if (!this.running || this.running.id !== id) return;
    const { job } = this.running;
    this.running = undefined;
    this.logger.warn('zoho call timed out; restarting its SDK worker', { lane: this.index, op: job.request.op, orgId: job.request.session.orgId });
    this.replaceWorker();
    job.reject(new ZohoUnavailableError(`Zoho did not answer ${job.request.op} within ${this.callTimeoutMs} ms`));
    this.pump();
  }

  private crash(worker: Worker, error: Error): void {
    if (worker !== this.worker) return;
    this.logger.error('zoho SDK worker failed', { lane: this.index, error });
    this.worker = undefined;
    if (this.running) {
      clearTimeout(this.running.timer);
      this.running.job.reject(new ZohoUnavailableError(`the SDK worker failed: ${error.message}`));
      this.running = undefined;
    }
    this.pump();
  }

  private replaceWorker(): void {
    const old = this.worker;
    this.worker = undefined;
    void old?.terminate();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new ZohoUnavailableError('the Zoho gateway is shut down'));
    if (this.running) {
      clearTimeout(this.running.timer);
      this.running.job.reject(new ZohoUnavailableError('the Zoho gateway is shut down'));
      this.running = undefined;
    }
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}

export interface WorkerPoolOptions {
  size: number;
  callTimeoutMs: number;
  /** How long a call may wait behind others on its lane before it gives up (default 3 × call timeout). */
  queueTimeoutMs?: number;
  logger: Logger;
}

/**
 * SDK worker threads, org-affine: an org always uses the same lane, so its SDK metadata cache is
 * written by one thread, and no two orgs' calls ever overlap inside one SDK instance.
 */
export class SdkWorkerPool {
  private readonly lanes: Lane[];

  constructor(options: WorkerPoolOptions) {
    const queueTimeoutMs = options.queueTimeoutMs ?? options.callTimeoutMs * 3;
    this.lanes = Array.from({ length: options.size }, (_, index) => new Lane(index, options.callTimeoutMs, queueTimeoutMs, options.logger));
  }

  laneOf(orgId: string): number {
    let hash = 2166136261;
    for (const char of orgId) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
    return (hash >>> 0) % this.lanes.length;
  }

  run(session: WorkerSession, op: OperationName, args: unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.lanes[this.laneOf(session.orgId)]!.submit({ request: { op, args, session }, enqueuedAt: Date.now(), resolve, reject });
    });
  }

  depths(): number[] {
    return this.lanes.map((lane) => lane.depth);
  }

  async close(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => lane.close()));
  }
}
