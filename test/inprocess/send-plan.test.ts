import { afterEach, describe, expect, it } from 'vitest';
import { sendPlanAnswer } from '../../server/src/contract/settings.js';
import { type InProcess, startInProcess } from '../helpers/in-process.js';

/**
 * The send plan is a promise: printed at the start of a simulated week, it must equal what the
 * engine then sends, email for email — sending hours and off days (in each lead's time zone), the
 * daily cap, a pause and suppression applied the way the step job applies them.
 */

let world: InProcess | undefined;
afterEach(() => world?.close());

const DAY = 24 * 60 * 60 * 1000;

interface Plan {
  from: string;
  until: string;
  emails: { lead_id: string; email: string; step: number; of: number; at: string; waited: string[] }[];
  held: { lead_id: string; email: string; reason: string }[];
}

describe('the send plan', () => {
  it('printed at the start of a week equals what was sent that week, email for email', async () => {
    // Saturday 2026-11-21 09:00 UTC: the first emails wait for Monday.
    world = await startInProcess({ start: '2026-11-21T09:00:00.000Z' });
    const org = await world.authorizedOrg();
    const nova = await org.addAssistant({ time_zone: 'Europe/London', business_hours: { start: '09:00', end: '17:00' }, off_days: ['sat', 'sun'], daily_cap: 4 });
    const people = [
      ...Array.from({ length: 9 }, (_, index) => ({ First_Name: `Lead${index}`, Last_Name: 'Test', Email: `lead${index}@prospect.test` })),
      { First_Name: 'Hannah', Last_Name: 'Weber', Email: 'hannah@weber.example', Mailing_Country: 'Deutschland' },
      { First_Name: 'Paula', Last_Name: 'Paused', Email: 'paula@prospect.test' },
      { First_Name: 'Sid', Last_Name: 'Suppressed', Email: 'sid@prospect.test' },
    ];
    const records = people.map((fields) => org.contact(fields));
    for (const record of records) await org.assign(record, nova.user.id);
    await world.settle();
    const paula = (await org.leadOf(records[10]!))!;
    expect((await org.api('POST', `/leads/${paula.id}/pause`)).status).toBe(200);
    expect((await org.api('POST', '/suppressions', { email: 'sid@prospect.test' })).status).toBe(201);
    await world.settle();

    const answer = await org.api('GET', '/send-plan?days=7');
    expect(answer.status).toBe(200);
    // The answer has exactly the shape the settings tab is typed by.
    const plan: Plan = sendPlanAnswer.parse(answer.body) as Plan;
    const start = Date.parse(plan.from);
    expect(Date.parse(plan.until) - start).toBe(7 * DAY);
    // Twelve leads, two held: ten first emails at four a day, and the follow-ups they lead to.
    expect(plan.held.map((lead) => [lead.email, lead.reason]).sort()).toEqual([
      ['paula@prospect.test', 'paused until someone resumes it'],
      ['sid@prospect.test', 'sid@prospect.test is on the suppression list (manual)'],
    ]);
    expect(plan.emails.some((email) => email.email === 'sid@prospect.test')).toBe(false);
    expect(plan.emails.filter((email) => email.step === 1)).toHaveLength(10);
    expect(plan.emails.some((email) => email.waited.includes('daily cap'))).toBe(true);
    // Hannah reads email in Berlin: Monday 09:00 there is 08:00 UTC, before London opens.
    expect(plan.emails.find((email) => email.email === 'hannah@weber.example' && email.step === 1)?.at).toBe('2026-11-23T08:00:00.000Z');

    // The week, run: every email the engine sends in it.
    while (world.clock.now() < start + 7 * DAY && (await world.advanceToNextWork(start + 7 * DAY - world.clock.now()))) await world.settle();
    const sent = world.mailer.sent.filter((email) => email.at <= start + 7 * DAY).map((email) => `${new Date(email.at).toISOString()} ${email.to}`);
    const planned = plan.emails.map((email) => `${email.at} ${email.email}`);
    expect(sent.length).toBeGreaterThan(10);
    expect(sent).toEqual(planned);
    console.log(`send plan for the week from ${plan.from}: ${planned.length} emails, held ${plan.held.length}; sent ${sent.length}, the same ${sent.filter((line, index) => planned[index] === line).length}\n${plan.emails.map((email) => `${email.at} ${email.email} step ${email.step}/${email.of}${email.waited.length ? ` (waited for ${email.waited.join(', ')})` : ''}`).join('\n')}`);
  });

  it('refuses a horizon that is not 1–60 days, with the reason', async () => {
    world = await startInProcess();
    const org = await world.authorizedOrg();
    for (const days of ['0', '61', '2.5', 'soon']) {
      const answer = await org.api('GET', `/send-plan?days=${days}`);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'days must be a whole number of days, 1–60.' });
    }
  });
});
