import { availableParallelism, cpus } from 'node:os';

/** Load generation for the benchmarks: requests at a fixed concurrency, with latency percentiles and the machine's CPU use. */

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** The share of the machine's CPU time that was busy (every process: the load, the backends, PostgreSQL). */
export function cpuBusy(): () => number {
  const sum = () => cpus().reduce((acc, cpu) => ({ idle: acc.idle + cpu.times.idle, total: acc.total + Object.values(cpu.times).reduce((a, b) => a + b, 0) }), { idle: 0, total: 0 });
  const before = sum();
  return () => {
    const after = sum();
    return 1 - (after.idle - before.idle) / Math.max(1, after.total - before.total);
  };
}

export async function load(label: string, total: number, concurrency: number, request: (index: number) => Promise<Response>) {
  const busy = cpuBusy();
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const index = next++;
        const t0 = performance.now();
        const response = await request(index);
        await response.arrayBuffer();
        if (!response.ok) failures += 1;
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const result = { rate: total / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), failures, busy: busy() };
  console.log(`  ${label.padEnd(38)} ${result.rate.toFixed(0).padStart(6)} req/s   p50 ${result.p50.toFixed(1)} ms   p99 ${result.p99.toFixed(1)} ms   failures ${failures}   CPU busy ${(result.busy * 100).toFixed(0)}% of ${availableParallelism()} cores`);
  return result;
}
