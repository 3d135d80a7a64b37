/**
 * The backend's dependency direction (`npm run lint` runs it): routes → services / engine → db, contract,
 * zoho, replies, domain, lib. Nothing imports http/ from below, nothing outside engine/ reaches
 * into an engine module but engine.ts, and there are no import cycles, type imports included.
 */
export default {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'Import cycles (type imports count: they couple the modules all the same).', from: { path: '^server/src/(?!sandbox/)' }, to: { circular: true } },
    {
      name: 'no-http-from-below',
      severity: 'error',
      comment: 'The web layer (http/, routes/) is the top: nothing below it may import it.',
      from: { path: '^server/src/(engine|db|zoho|replies|domain|lib|services|connector|mail|auth)/' },
      to: { path: '^server/src/(http|routes)/' },
    },
    {
      name: 'layers-below-the-engine',
      severity: 'error',
      comment: 'db, zoho, replies, domain and lib are below the engine and the services.',
      from: { path: '^server/src/(db|zoho|replies|domain|lib|mail)/' },
      to: { path: '^server/src/(engine|services|connector|demo)/' },
    },
    {
      name: 'engine-is-the-door',
      severity: 'error',
      comment: 'Routes, services, the web layer and the demo use the Engine (engine/engine.ts), never an engine module. compose.ts, the composition root, builds it; the connector still shares engine modules (a known debt).',
      from: { path: '^server/src/(routes|services|http|demo|auth|mail)/|^server/src/(app|backend|main)\\.ts$' },
      to: { path: '^server/src/engine/(?!engine\\.ts$)' },
    },
    {
      name: 'sandbox-stands-alone',
      severity: 'error',
      comment: 'The sandbox emulates Zoho: it shares only lib/, domain/, the SQLite opener and env.ts with the backend, and the backend never imports it.',
      from: { path: '^server/src/sandbox/' },
      to: { path: '^server/src/(?!sandbox/|lib/|domain/|db/open-db\\.ts$|env\\.ts$)' },
    },
    {
      name: 'contract-stands-alone',
      severity: 'error',
      comment: 'The contract between server and widget (server/src/contract/) imports nothing of the backend but the pure domain lists, so the widget can read it.',
      from: { path: '^server/src/contract/' },
      to: { path: '^server/src/(?!contract/|domain/)' },
    },
    {
      name: 'widget-sees-only-the-contract',
      severity: 'error',
      comment: 'The widget shares types with the server only through server/src/contract/ (imported type-only).',
      from: { path: '^widget/src/' },
      to: { path: '^server/src/(?!contract/)' },
    },
    {
      name: 'backend-without-sandbox',
      severity: 'error',
      from: { path: '^server/src/(?!sandbox/|demo/|main\\.ts)' },
      to: { path: '^server/src/sandbox/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
