import { z } from 'zod';

/** The only place that reads process.env: every setting is parsed and checked here. */

const port = z.coerce.number().int().min(0).max(65_535);

const sandboxSchema = z.object({
  SANDBOX_PORT: port.default(8790),
  SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  SANDBOX_DB: z.string().min(1).optional(),
  SANDBOX_PUBLIC_URL: z.url().optional(),
});

export type SandboxEnv = z.infer<typeof sandboxSchema>;

export class ConfigError extends Error {}

function parse<T extends z.ZodType>(schema: T, source: Record<string, string | undefined>): z.infer<T> {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return result.data;
}

export function loadSandboxEnv(source: Record<string, string | undefined> = process.env): SandboxEnv {
  return parse(sandboxSchema, source);
}
