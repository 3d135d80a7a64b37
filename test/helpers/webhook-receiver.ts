import { type IncomingHttpHeaders, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedCall {
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** A real HTTP endpoint on loopback that records what it is sent. */
export async function startReceiver(status = 200) {
  const calls: ReceivedCall[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      calls.push({ path: request.url ?? '', headers: request.headers, body: text ? (JSON.parse(text) as unknown) : null });
      response.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
      for (const waiter of waiters.filter((candidate) => calls.length >= candidate.count)) waiter.resolve();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    calls,
    /** Resolves once `count` calls have arrived; rejects after `withinMs`. */
    waitFor(count: number, withinMs: number): Promise<void> {
      if (calls.length >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${calls.length} of ${count} calls within ${withinMs} ms`)), withinMs);
        waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
