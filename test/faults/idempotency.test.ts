import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { bundleHrdaWorkflows } from '../../bench/lib/hrda-service';
import { benchReferral } from '../../bench/lib/referrals';
import { randomUUID } from 'node:crypto';
import { as, eventually, startApiHarness, type ApiHarness } from '../api/harness';

/**
 * The same submission sent twice with one Idempotency-Key over real HTTP — one after the other,
 * both at once, and again after the API restarted — makes one case; and two API processes on one
 * database (the records are in PostgreSQL) apply a command retried through the other once, and
 * refuse a second referral under a key already used, whichever process receives it.
 */
let harness: ApiHarness;
const listening: FastifyInstance[] = [];

beforeAll(async () => {
  harness = await startApiHarness(await bundleHrdaWorkflows());
});

afterAll(async () => {
  await harness?.stop();
});

async function urlOf(app: FastifyInstance): Promise<string> {
  if (!listening.includes(app)) {
    await app.listen({ host: '127.0.0.1', port: 0 });
    listening.push(app);
  }
  return `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
}

async function submit(app: FastifyInstance, key: string, referral: object) {
  const res = await fetch(`${await urlOf(app)}/cases`, {
    method: 'POST',
    headers: { ...as('administrator', 'police'), 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(referral),
  });
  const body = (await res.json()) as { caseId?: string; type?: string };
  return { status: res.status, replayed: res.headers.get('idempotent-replayed'), location: res.headers.get('location'), body };
}

/** Case workflows whose ID is this case's (visibility is eventually consistent: wait for it to settle). */
async function casesNamed(caseId: string): Promise<number> {
  const query = `WorkflowType = 'referralWorkflow' AND WorkflowId = 'case-${caseId}'`;
  const { count } = await eventually(() => harness.temporal.workflow.count(query), (c) => c.count >= 1);
  return count;
}

async function allCases(): Promise<number> {
  return (await harness.temporal.workflow.count(`WorkflowType = 'referralWorkflow'`)).count;
}

describe('the same submission twice with one Idempotency-Key', () => {
  it('one after the other: the second is a replay of the first, and there is one case', async () => {
    const referral = benchReferral('idem-sequential');
    const before = await allCases();
    const first = await submit(harness.app, 'idem-key-sequential-0001', referral);
    const second = await submit(harness.app, 'idem-key-sequential-0001', referral);
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.replayed).toBe('true');
    expect(second.body.caseId).toBe(first.body.caseId);
    expect(second.location).toBe(first.location);
    expect(await casesNamed(first.body.caseId!)).toBe(1);
    // Nothing else was started either (visibility settles on the one new case).
    await eventually(allCases, (n) => n >= before + 1);
    expect(await allCases()).toBe(before + 1);
  });

  it('both at once: one creates the case, the other replays it or is told to retry, and there is one case', async () => {
    const referral = benchReferral('idem-concurrent');
    const before = await allCases();
    const answers = await Promise.all([0, 1, 2].map(() => submit(harness.app, 'idem-key-concurrent-0001', referral)));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    for (const a of answers.filter((x) => x.status !== 201)) {
      // The second while the first is in flight: 409 idempotency-key-in-use (retry shortly), or a replay.
      expect([200, 409]).toContain(a.status);
      if (a.status === 409) expect(a.body.type).toMatch(/idempotency-key-in-use/);
    }
    const caseId = answers.find((a) => a.status === 201)!.body.caseId!;
    const retried = await submit(harness.app, 'idem-key-concurrent-0001', referral);
    expect([retried.status, retried.body.caseId]).toEqual([200, caseId]);
    expect(await casesNamed(caseId)).toBe(1);
    await eventually(allCases, (n) => n >= before + 1);
    expect(await allCases()).toBe(before + 1);
  });

  it('after the API restarted: the store remembers the key, still one case', async () => {
    const referral = benchReferral('idem-restart');
    const first = await submit(harness.app, 'idem-key-restart-0001', referral);
    const restarted = await harness.freshApp();
    const again = await submit(restarted, 'idem-key-restart-0001', referral);
    expect(first.status).toBe(201);
    expect([again.status, again.replayed, again.body.caseId]).toEqual([200, 'true', first.body.caseId]);
    expect(await casesNamed(first.body.caseId!)).toBe(1);

    // The same key for a different referral is refused, before and after the restart, and starts nothing.
    const before = await allCases();
    const other = benchReferral('idem-restart-other');
    for (const app of [harness.app, restarted]) {
      const reused = await submit(app, 'idem-key-restart-0001', other);
      expect(reused.status).toBeGreaterThanOrEqual(400);
      expect(reused.body.type).toMatch(/idempotency-key-reused/);
    }
    expect(await allCases()).toBe(before);
  });
});

async function summarise(app: FastifyInstance, key: string, caseId: string, summary: object) {
  const res = await fetch(`${await urlOf(app)}/cases/${caseId}/summaries`, {
    method: 'POST',
    headers: { ...as('agency-practitioner', 'housing'), 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ agency: 'housing', summary }),
  });
  const body = (await res.json()) as { type?: string };
  return { status: res.status, replayed: res.headers.get('idempotent-replayed'), body };
}

async function summariesOf(app: FastifyInstance, caseId: string): Promise<number> {
  const res = await fetch(`${await urlOf(app)}/cases/${caseId}/timeline`, { headers: as('administrator', 'police', { 'x-purpose': 'test' }) });
  const timeline = (await res.json()) as { type: string }[];
  return timeline.filter((e) => e.type === 'summary.received').length;
}

describe('two API processes on one database', () => {
  const summary = { involvement: 'Known to housing since 2024.', risks: 'Perpetrator has a key.', actionsTaken: 'None yet.', recommendations: 'Change the locks.' };
  let other: FastifyInstance;
  beforeAll(async () => {
    other = await harness.freshApp();
  });

  it('a command retried through the other process is applied once', async () => {
    const { body: { caseId } } = await submit(harness.app, `idem-two-${randomUUID()}`, benchReferral('idem-two-command'));
    const key = `idem-summary-${randomUUID()}`;
    const first = await summarise(harness.app, key, caseId!, summary);
    const retried = await summarise(other, key, caseId!, summary);
    expect([first.status, retried.status, retried.replayed]).toEqual([200, 200, 'true']);
    expect(await summariesOf(other, caseId!)).toBe(1);

    // Both processes at once with a new key: one applies it; the other replays it or says retry.
    const raced = `idem-summary-${randomUUID()}`;
    const second = { ...summary, risks: 'Perpetrator has moved nearby.' };
    const answers = await Promise.all([summarise(harness.app, raced, caseId!, second), summarise(other, raced, caseId!, second)]);
    expect(answers.filter((a) => a.status === 200 && a.replayed === null)).toHaveLength(1);
    for (const a of answers.filter((x) => x.replayed !== null || x.status !== 200)) expect([200, 409]).toContain(a.status);
    expect(await summariesOf(harness.app, caseId!)).toBe(2);
  });

  it('a command whose idempotency record was lost after it reached the case is not applied again', async () => {
    const { body: { caseId } } = await submit(harness.app, `idem-lost-${randomUUID()}`, benchReferral('idem-lost-record'));
    const key = `idem-summary-${randomUUID()}`;
    expect((await summarise(harness.app, key, caseId!, summary)).status).toBe(200);
    // As if the store went down between the update and storing its response, and the claim's lease ran out.
    await harness.database.db.query('DELETE FROM idempotency_records');
    const retried = await summarise(other, key, caseId!, summary);
    expect(retried.status).toBe(200);
    expect(await summariesOf(other, caseId!)).toBe(1);
  });

  it('two different referrals under one key: the second is refused 422 by the other process, and nothing is dropped in silence', async () => {
    const key = `idem-two-referrals-${randomUUID()}`;
    const before = await allCases();
    const first = await submit(harness.app, key, benchReferral('idem-two-first'));
    const second = await submit(other, key, benchReferral('idem-two-second'));
    expect(first.status).toBe(201);
    expect(second.status).toBe(422);
    expect(second.body.type).toMatch(/idempotency-key-reused/);
    await eventually(allCases, (n) => n >= before + 1);
    expect(await allCases()).toBe(before + 1);

    // At once, through both processes: one is created, the other refused (never two 201s).
    const raced = `idem-two-raced-${randomUUID()}`;
    const answers = await Promise.all([submit(harness.app, raced, benchReferral('idem-raced-a')), submit(other, raced, benchReferral('idem-raced-b'))]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 422]);
    await eventually(allCases, (n) => n >= before + 2);
    expect(await allCases()).toBe(before + 2);
  });
});
