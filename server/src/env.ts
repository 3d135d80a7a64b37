import { z } from 'zod';

/** The only place that reads process.env: every setting is parsed and checked here. */

const port = z.coerce.number().int().min(0).max(65_535);
const optionalUrl = z.url({ protocol: /^https?$/ }).optional();

const sandboxSchema = z.object({
  SANDBOX_PORT: port.default(8790),
  SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  SANDBOX_DB: z.string().min(1).optional(),
  SANDBOX_PUBLIC_URL: optionalUrl,
});

export type SandboxEnv = z.infer<typeof sandboxSchema>;

/** `npm start` with no Zoho client: the whole product on the sandbox, with demo data. */
const demoSchema = z.object({
  PORT: port.default(8787),
  SANDBOX_PORT: port.default(8790),
  /** The demo's mail view (captured emails, and replying as the lead). */
  DEMO_MAIL_PORT: port.default(8791),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  /** One day per minute by default, so a sequence plays out while you watch. */
  TIME_SCALE: z.coerce.number().positive().max(100_000).default(1440),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('warn'),
  WIDGET_DIR: z.string().default('app'),
});

export type DemoEnv = z.infer<typeof demoSchema>;

/** 32 bytes, given as 64 hex characters or as base64. */
const encryptionKey = z
  .string()
  .transform((value, ctx) => {
    const bytes = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
    if (bytes.length !== 32) {
      ctx.addIssue({ code: 'custom', message: 'must be 32 bytes: 64 hex characters or 44 base64 characters (openssl rand -base64 32)' });
      return z.NEVER;
    }
    return bytes;
  });

const appSchema = z.object({
  PORT: port.default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: optionalUrl,
  DATA_DIR: z.string().min(1).default('./data'),
  /** The SQLite file (DATA_DIR/app.sqlite by default); unused when DATABASE_URL is set. */
  DATABASE_PATH: z.string().min(1).optional(),
  /** postgres://user:password@host:5432/name to keep the data in PostgreSQL instead of SQLite (every process on one database). */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  ZOHO_CLIENT_ID: z.string().min(1),
  ZOHO_CLIENT_SECRET: z.string().min(1),
  ZOHO_ACCOUNTS_URL: z.url({ protocol: /^https?$/ }).default('https://accounts.zoho.com'),
  ZOHO_SANDBOX_URL: optionalUrl,
  ENCRYPTION_KEY: encryptionKey,
  /** Earlier keys, comma separated, still used to open what they sealed (key rotation). */
  ENCRYPTION_KEY_PREVIOUS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const keys: Buffer[] = [];
      for (const part of (value ?? '').split(',').map((item) => item.trim()).filter(Boolean)) {
        const parsed = encryptionKey.safeParse(part);
        if (!parsed.success) {
          ctx.addIssue({ code: 'custom', message: 'each previous key must be 32 bytes (hex or base64)' });
          return z.NEVER;
        }
        keys.push(parsed.data);
      }
      return keys;
    }),
  ADMIN_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  WIDGET_ORIGINS: z.string().optional(),
  ZOHO_GATEWAY_WORKERS: z.coerce.number().int().min(1).max(16).default(2),
  ZOHO_CALL_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(300_000).default(20_000),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  ZOHO_WIDGET_KEY_VARIABLE: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/).default('salesassist__Widget_Key'),
  ZOHO_BACKEND_URL_VARIABLE: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/).default('salesassist__Backend_Url'),
  /** The built widget (npm run build), served at /app/ for externally hosted widgets and the sandbox. */
  WIDGET_DIR: z.string().default('app'),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  /** Bearer token for POST /webhooks/inbound (raw RFC 822 mail forwarded by HTTP); unset disables it. */
  INBOUND_WEBHOOK_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Requests per client address per minute (0: no limit) on /oauth, /webhooks/inbound, /unsubscribe and /api. */
  RATE_LIMIT_OAUTH: z.coerce.number().int().min(0).max(1_000_000).default(30),
  RATE_LIMIT_WEBHOOK: z.coerce.number().int().min(0).max(1_000_000).default(1_200),
  RATE_LIMIT_UNSUBSCRIBE: z.coerce.number().int().min(0).max(1_000_000).default(60),
  RATE_LIMIT_API: z.coerce.number().int().min(0).max(1_000_000).default(1_200),
  /** OAuth sign-ins in progress at once, across processes (starts cannot fill the database); 80% of them for anonymous starts. */
  OAUTH_LIVE_STATES: z.coerce.number().int().min(10).max(1_000_000).default(10_000),
  /** Behind our own reverse proxy: the client is the last X-Forwarded-For entry. */
  TRUST_PROXY: z.enum(['true', 'false']).default('false').transform((value) => value === 'true'),
  /** `require` (default): a reply acts only when its sender is authenticated (DKIM/DMARC); unverified replies pause the lead for a person. `off`: trust every reply. */
  INBOUND_AUTH: z.enum(['require', 'off']).default('require'),
  /** Jobs the runner works on at once, each for a different org (an org's jobs run one at a time); Zoho calls share the gateway's lanes. */
  JOB_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  JOB_LEASE_SECONDS: z.coerce.number().int().min(1).max(3_600).default(90),
  /** Days raw inbound mail is kept (the log of what was read and done stays), and days notification bodies are kept. */
  RETENTION_RAW_MAIL_DAYS: z.coerce.number().int().min(1).max(3_650).default(90),
  RETENTION_INBOX_DAYS: z.coerce.number().int().min(1).max(3_650).default(14),
  RETENTION_DONE_JOBS_DAYS: z.coerce.number().int().min(1).max(3_650).default(30),
  /** `allow` lets assistant mailboxes live on private, loopback or link-local addresses (the demo, a mail server on your network). */
  MAILBOX_PRIVATE_HOSTS: z.enum(['refuse', 'allow']).default('refuse'),
  /** Keep an IMAP IDLE connection per assistant mailbox so replies arrive in seconds (polling runs anyway). */
  MAIL_IDLE: z.enum(['true', 'false']).default('true').transform((value) => value === 'true'),
  /** What this process does: `web` (the HTTP app: webhooks, the API, sign-in), `worker` (jobs and IMAP IDLE, no HTTP), or `all` (both, the default). `npm start -- --role worker` says the same. */
  ROLE: z.enum(['all', 'web', 'worker']).default('all'),
  /** An OpenAI-compatible endpoint for writing emails (optional; templates otherwise). */
  LLM_BASE_URL: optionalUrl,
  LLM_MODEL: z.string().min(1).default('gpt-4o-mini'),
  LLM_API_KEY: z.string().min(1).optional(),
  /** Speeds the engine's clock (sequences, business hours) for demos and black-box tests; 1 in production. */
  TIME_SCALE: z.coerce.number().positive().max(100_000).default(1),
});

export type AppEnv = z.infer<typeof appSchema>;

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

export function loadDemoEnv(source: Record<string, string | undefined> = process.env): DemoEnv {
  return parse(demoSchema, source);
}

/** The backend's settings; called only when a Zoho client is configured (ZOHO_CLIENT_ID). */
export function loadAppEnv(source: Record<string, string | undefined> = process.env): AppEnv {
  return parse(appSchema, source);
}

/** True when the environment configures a Zoho client, i.e. the backend should run. */
export function wantsBackend(source: Record<string, string | undefined> = process.env): boolean {
  return Boolean(source.ZOHO_CLIENT_ID);
}
