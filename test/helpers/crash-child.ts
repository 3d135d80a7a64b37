/**
 * A backend process that kills itself (SIGKILL, no cleanup) at a chosen point of the engine's work,
 * to prove what a restart does. Started by test/helpers/crash-at.ts for test/server/engine-crash.test.ts and
 * test/server/referrals.test.ts.
 */
import { buildDeps } from '../../server/src/compose.js';
import { loadAppEnv } from '../../server/src/env.js';
import { FLUSH_DELAY_MS } from '../../server/src/engine/effects.js';
import { SmtpMailer } from '../../server/src/engine/mailer.js';
import { ManualClock } from '../../server/src/lib/clock.js';
import { silentLogger } from '../../server/src/lib/logger.js';

const env = loadAppEnv(process.env);
const clock = new ManualClock(Number(process.env.CLOCK_AT));
const point = process.env.CRASH_AT;
const die = (): never => {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
};

const smtp = new SmtpMailer(env.SMTP_URL!);
const { deps } = await buildDeps(env, {
  clock,
  logger: silentLogger,
  mailer: {
    async send(email, claim) {
      await smtp.send(email, claim);
      // The SMTP server has accepted the message; the outbox has not been marked yet.
      if (point === 'after-accept') die();
    },
  },
});
const engine = deps.engine.deps;
if (point === 'compose') {
  engine.composer = { compose: async () => die() };
}
if (point === 'after-notes') {
  const gateway = engine.gateway;
  const createNotes = gateway.createNotes.bind(gateway);
  gateway.createNotes = async (...args) => {
    await createNotes(...args);
    // Zoho has the notes; we die before recording that it does.
    return die();
  };
}
if (point === 'after-create') {
  const gateway = engine.gateway;
  const createRecords = gateway.createRecords.bind(gateway);
  gateway.createRecords = async (...args) => {
    await createRecords(...args);
    // Zoho has created the record (a referred person); we die before recording that it did.
    return die();
  };
}
await deps.engine.runUntilIdle();
// Let the batched notes and updates go too.
clock.advance(FLUSH_DELAY_MS);
await deps.engine.runUntilIdle();
process.exit(0);
