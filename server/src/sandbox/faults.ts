import type { MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import type { SandboxEnv } from './context.js';

export const faultSchema = z
  .object({
    method: z.string().toUpperCase().optional(),
    /** Exact path, or a pattern where `*` matches any run of characters. */
    path: z.string().min(1),
    count: z.number().int().min(1).max(10_000).default(1),
    status: z.number().int().min(400).max(599).optional(),
    body: z.unknown().optional(),
    delay_ms: z.number().int().min(0).max(120_000).optional(),
    drop: z.boolean().optional(),
  })
  .refine((fault) => fault.status !== undefined || fault.delay_ms !== undefined || fault.drop === true, {
    message: 'a fault needs a status, a delay_ms or drop: true',
  });

export type FaultInput = z.infer<typeof faultSchema>;

interface Fault extends FaultInput {
  id: number;
  remaining: number;
  hits: number;
  matcher: RegExp;
}

const DEFAULT_BODIES: Record<number, { code: string; message: string }> = {
  429: { code: 'TOO_MANY_REQUESTS', message: 'too many requests. please try again after some time' },
  500: { code: 'INTERNAL_ERROR', message: 'Internal Server Error' },
  503: { code: 'INTERNAL_ERROR', message: 'Service temporarily unavailable' },
};

/** Injected faults for the next N requests that match a method and path (tests and the demo). */
export class FaultInjector {
  private faults: Fault[] = [];
  private nextId = 1;
  private readonly pendingDelays = new Set<() => void>();

  add(input: FaultInput): { id: number } {
    const pattern = input.path.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
    const fault: Fault = { ...input, id: this.nextId++, remaining: input.count, hits: 0, matcher: new RegExp(`^${pattern}$`) };
    this.faults.push(fault);
    return { id: fault.id };
  }

  list() {
    return this.faults.map(({ matcher: _matcher, ...fault }) => fault);
  }

  /** Removes every fault and lets delayed requests go on at once. */
  clear(): void {
    this.faults = [];
    for (const release of this.pendingDelays) release();
    this.pendingDelays.clear();
  }

  private take(method: string, path: string): Fault | undefined {
    const fault = this.faults.find(
      (candidate) => candidate.remaining > 0 && (!candidate.method || candidate.method === method) && candidate.matcher.test(path),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    fault.hits += 1;
    if (fault.remaining === 0) this.faults = this.faults.filter((candidate) => candidate !== fault);
    return fault;
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const release = () => {
        clearTimeout(timer);
        this.pendingDelays.delete(release);
        resolve();
      };
      const timer = setTimeout(release, ms);
      this.pendingDelays.add(release);
    });
  }

  /** Applies faults to requests whose path `applies` accepts (all by default). */
  middleware(applies: (path: string) => boolean = () => true): MiddlewareHandler<SandboxEnv> {
    return async (c, next) => {
      if (!applies(c.req.path)) return next();
      const fault = this.take(c.req.method, c.req.path);
      if (!fault) return next();
      if (fault.delay_ms) await this.wait(fault.delay_ms);
      if (fault.drop) {
        c.env.incoming.socket.destroy();
        return c.body(null, 500);
      }
      if (fault.status !== undefined) {
        const fallback = DEFAULT_BODIES[fault.status] ?? { code: 'INTERNAL_ERROR', message: 'injected fault' };
        const body = fault.body ?? { code: fallback.code, details: {}, message: fallback.message, status: 'error' };
        return c.json(body as object, fault.status as ContentfulStatusCode);
      }
      return next();
    };
  }
}
