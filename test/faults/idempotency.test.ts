import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { bundleHrdaWorkflows } from '../../bench/lib/hrda-service';
import { benchReferral } from '../../bench/lib/referrals';
import { as, eventually, startApiHarness, type ApiHarness } from '../api/harness';

/**
 * The same submission sent twice with one Idempotency-Key over real HTTP — one after the other,
 * both at once, and again after the API restarted and forgot — makes one case.
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

  it('after the API restarted and forgot the key: the case itself answers, still one case', async () => {
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
