import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { InvalidInputError, RefusedError } from '../../client/cases';
import type { Profile } from '../../domain/profile';
import type { TimelineEntry } from '../../domain/timeline';
import { historyShape } from '../../bench/lib/history';
import type { HrdaSide } from '../../bench/lib/hrda-service';
import { actionCompleted, administrator, benchReferral, meetingOutcome, practitioner, type PastDating } from '../../bench/lib/referrals';
import { caseWorkflowId } from '../../workflows/referral.messages';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `ok` holds or the time is up; returns the last value either way. */
export async function waitFor<T>(fn: () => Promise<T> | T, ok: (value: T) => boolean, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (ok(value) || Date.now() > deadline) return value;
    await sleep(everyMs);
  }
}

/**
 * Polls a count until it reaches `target`, for as long as it keeps rising: gives up (returning the
 * last count) only when it has not risen for `stallMs`. Work whose length grows with its size (a
 * worker replaying 10,000 cases) is judged by whether it progresses, not by a guessed total time.
 */
export async function waitForCount(
  count: () => Promise<number>,
  target: number,
  { stallMs, everyMs = 2000, report }: { stallMs: number; everyMs?: number; report?: (n: number) => void },
): Promise<number> {
  let best = -1;
  let lastRise = Date.now();
  for (;;) {
    const n = await count();
    if (n > best) {
      best = n;
      lastRise = Date.now();
      report?.(n);
    }
    if (n >= target || Date.now() - lastRise > stallMs) return n;
    await sleep(everyMs);
  }
}

export interface OutboxMessage {
  id: string;
  eml: string;
}

/** What the outbox adapter wrote: one sidecar per message (its notification id) and the .eml files. */
export async function readOutbox(dir: string): Promise<{ messages: OutboxMessage[]; emlFiles: string[] }> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const messages = await Promise.all(
    names.filter((n) => n.endsWith('.json')).map(async (n) => JSON.parse(await readFile(path.join(dir, n), 'utf8')) as OutboxMessage),
  );
  return { messages, emlFiles: names.filter((n) => n.endsWith('.eml')) };
}

export async function readMailLog(file: string): Promise<{ id: string; result: 'sent' | 'already-sent'; pid: number }[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { id: string; result: 'sent' | 'already-sent'; pid: number });
}

export const countBy = <T>(xs: T[], key: (x: T) => string): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const x of xs) counts.set(key(x), (counts.get(key(x)) ?? 0) + 1);
  return counts;
};

export const entriesOf = (timeline: TimelineEntry[], type: string) => timeline.filter((e) => e.type === type);

/** Event counts by type in a workflow's history (e.g. WORKFLOW_TASK_FAILED). */
export async function eventCounts(client: Client, workflowId: string): Promise<Record<string, number>> {
  return historyShape(await client.workflow.getHandle(workflowId).fetchHistory()).byType;
}

/**
 * A lifecycle driven the way a user interface must drive it across an outage: each step is
 * retried until it lands, and a step is skipped when the case shows it already happened (its
 * first attempt may have succeeded just before the connection dropped). The case ID is fixed,
 * so a resubmitted referral finds the same case (update-with-start, USE_EXISTING).
 */
export async function patientLifecycle(side: HrdaSide, profile: Profile, dating: PastDating, caseId: string): Promise<void> {
  const retry = async <T>(what: string, step: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await step();
      } catch (err) {
        if (err instanceof InvalidInputError || attempt >= 120) throw new Error(`${what} for case ${caseId}: ${(err as Error).message}`);
        await sleep(1000);
      }
    }
  };
  await retry('submitReferral', () => side.cases.submitReferral(benchReferral(caseId, dating.receivedAt), { caseId }));
  await retry('recordMeetingOutcome', async () => {
    if ((await side.cases.state(caseId)).stage !== 'at-meeting') return;
    await side.cases.command(caseId, 'recordMeetingOutcome', meetingOutcome(), administrator(profile)).catch(ignoreIfDone);
  });
  await retry('updateAction', async () => {
    const state = await side.cases.state(caseId);
    if (state.stage === 'closed' || state.actions.every((a) => a.status === 'completed')) return;
    await side.cases.command(caseId, 'updateAction', actionCompleted, practitioner('housing')).catch(ignoreIfDone);
  });
  await retry('result', () => side.cases.handle(caseId).result());
}

/** A refusal because the step already happened is the success of an earlier attempt; the caller re-reads the case. */
function ignoreIfDone(err: unknown): void {
  if (err instanceof RefusedError && /already|closed/.test(err.message)) return;
  throw err;
}

export { caseWorkflowId };
