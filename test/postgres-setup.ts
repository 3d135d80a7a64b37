import type { TestProject } from 'vitest/node';
import { startPostgres } from './helpers/postgres.js';

/** The PostgreSQL project's cluster: one per run, a database per test store (test/helpers/store.ts). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres();
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}
