import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getProfile } from '../../domain/profiles';
import { bundleHrdaWorkflows, connectHrda } from '../../bench/lib/hrda-service';
import { administrator, benchReferral, meetingOutcome, pastDating } from '../../bench/lib/referrals';
import { pool } from '../../bench/lib/stats';
import { spawnWorker, writeBundle, type WorkerChild } from '../../bench/lib/worker-child';
import { startTestDevServer } from '../support/servers';
import { caseWorkflowId, countBy, entriesOf, readMailLog, sleep, waitForCount } from './support';

/**
 * Many open cases, each with a timer pending, when the worker restarts: every case resumes and
 * every timer fires once. Each case is dated in the past so it is at its meeting at once; its
 * HRDA Matrix gives its one action an update deadline (`dueAt`) shortly after the restart, so the
 * timer the case arms for it is what fires: the reminder a week before has already gone, the
 * overdue mark (PROTOCOL.md §1.4) is the case's next timer-driven timeline entry.
 *
 * 200 cases always; 10,000 with HRDA_SCALE=1 (HRDA_SCALE_CASES to choose another number).
 */
const profile = getProfile('dorset-hrda');
const log = (line: string) => process.stderr.write(`[scale] ${line}\n`);

/** Logs a rising count at most once a minute, with its rate, so a long run shows how it is going. */
function progressLog(what: string, of: number): (n: number) => void {
  const started = Date.now();
  let logged = 0;
  return (n) => {
    if (Date.now() - logged < 60_000 && n < of) return;
    logged = Date.now();
    const seconds = (Date.now() - started) / 1000;
    log(`${what}: ${n} of ${of} after ${seconds.toFixed(0)} s (${(n / Math.max(seconds, 1)).toFixed(1)} a second)`);
  };
}

async function openCasesSurviveARestart(cases: number): Promise<void> {
  const server = await startTestDevServer('hrda-scale');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hrda-scale-'));
  const children: WorkerChild[] = [];
  const taskQueue = 'hrda-scale';
  const side = await connectHrda(server.address, server.namespace, taskQueue);
  try {
    const options = {
      kind: 'hrda' as const, address: server.address, namespace: server.namespace, taskQueue,
      codePath: await writeBundle(await bundleHrdaWorkflows(), path.join(dir, 'bundle.js')),
      outboxDir: path.join(dir, 'outbox'), mailLog: path.join(dir, 'mail-log.jsonl'),
    };
    children.push(await spawnWorker(options, { stderr: (line) => log(`worker: ${line}`) }));
    const dating = pastDating(profile);
    const caseIds = Array.from({ length: cases }, (_, i) => `scale-${i}-${dating.receivedAt.slice(0, 10)}`);

    // 1. Every case submitted: at its meeting, no timer yet.
    let t0 = Date.now();
    let done = 0;
    let progress = progressLog('submitted', cases);
    await pool(cases, 32, async (i) => {
      await side.cases.submitReferral(benchReferral(caseIds[i]!, dating.receivedAt), { caseId: caseIds[i]! });
      progress(++done);
    });
    const submitMs = Date.now() - t0;
    log(`${cases} cases submitted in ${(submitMs / 1000).toFixed(0)} s`);

    // 2. Every matrix recorded with the action due after the restart. Recording is one update per
    // case, about a third of a submission's work, so three quarters of the submissions' time
    // (and half a minute for the restart) is a safe allowance.
    const dueAt = new Date(Date.now() + Math.max(60_000, submitMs * 0.75) + 30_000).toISOString();
    t0 = Date.now();
    done = 0;
    progress = progressLog('matrices recorded', cases);
    await pool(cases, 32, async (i) => {
      // As a user interface would under load: an update whose RPC timed out may still have landed,
      // so look at the case before trying again.
      for (let attempt = 1; ; attempt++) {
        try {
          await side.cases.command(caseIds[i]!, 'recordMeetingOutcome', meetingOutcome(dueAt), administrator(profile));
          progress(++done);
          return;
        } catch (err) {
          if (!/deadline exceeded/i.test(String((err as Error).message)) || attempt >= 5) throw err;
          if ((await side.cases.state(caseIds[i]!)).actions.length > 0) return progress(++done);
        }
      }
    });
    log(`${cases} matrices recorded in ${((Date.now() - t0) / 1000).toFixed(0)} s; actions due ${dueAt}`);
    expect(Date.now(), 'the matrices took longer than the allowance: the timers fired before the restart').toBeLessThan(Date.parse(dueAt) - 20_000);

    // 3. The worker restarted: a new process with an empty cache, while every timer is pending.
    await children[0]!.stop();
    const restartedAt = Date.now();
    children.push(await spawnWorker(options, { stderr: (line) => log(`worker: ${line}`) }));
    log(`worker restarted; waiting for ${dueAt}`);

    // 4. Every case resumes: its overdue action shows in the search attributes. The new worker
    // replays each case it wakes (its cache is empty), so how long that takes grows with the number
    // of cases and the machine: wait while the count rises, and fail if it stops for two minutes.
    const overdueQuery = `WorkflowType = 'referralWorkflow' AND HrdaOverdueActions = 1`;
    await sleep(Math.max(0, Date.parse(dueAt) - Date.now()));
    progress = progressLog('overdue', cases);
    const overdue = await waitForCount(async () => (await side.client.workflow.count(overdueQuery)).count, cases, {
      stallMs: 120_000, report: progress,
    });
    log(`${overdue} cases overdue ${((Date.now() - Date.parse(dueAt)) / 1000).toFixed(0)} s after the deadline`);
    expect(overdue).toBe(cases);
    const running = await side.client.workflow.count(`WorkflowType = 'referralWorkflow' AND ExecutionStatus = 'Running'`);
    expect(running.count).toBe(cases);

    // 5. Every timer fired once: one overdue message per case, each sent once.
    const overdueMessages = async () => (await readMailLog(options.mailLog)).filter((x) => x.id.includes(':action-overdue:')).length;
    await waitForCount(overdueMessages, cases, { stallMs: 60_000 });
    const overdueSends = (await readMailLog(options.mailLog)).filter((x) => x.id.includes(':action-overdue:'));
    const perCase = countBy(overdueSends, (x) => x.id.split(':')[0]!);
    expect(perCase.size).toBe(cases);
    expect([...perCase.values()].every((n) => n === 1)).toBe(true);

    // …and, read from the cases themselves (all of them, or a sample of 300): one overdue mark,
    // one reminder, and one timer fired, after the restart.
    const sample = cases <= 300 ? caseIds : caseIds.filter((_, i) => i % Math.ceil(cases / 300) === 0);
    await pool(sample.length, 16, async (i) => {
      const caseId = sample[i]!;
      const timeline = await side.cases.timeline(caseId);
      expect(entriesOf(timeline, 'action.overdue'), caseId).toHaveLength(1);
      expect(entriesOf(timeline, 'action.overdue')[0]!.at).toBe(dueAt);
      expect(entriesOf(timeline, 'reminder.sent').filter((e) => (e.data as { about?: string }).about === 'action a1'), caseId).toHaveLength(1);
      const history = await side.client.workflow.getHandle(caseWorkflowId(caseId)).fetchHistory();
      const fired = (history.events ?? []).filter((e) => e.timerFiredEventAttributes);
      expect(fired, caseId).toHaveLength(1);
      const firedAt = Number(fired[0]!.eventTime!.seconds) * 1000;
      expect(firedAt).toBeGreaterThanOrEqual(Math.floor(restartedAt / 1000) * 1000);
      expect((history.events ?? []).filter((e) => e.workflowTaskFailedEventAttributes)).toEqual([]);
    });
  } finally {
    for (const child of children) await child.kill();
    await side.close();
    await server.cleanup();
    await rm(dir, { recursive: true, force: true });
  }
}

describe('open cases with pending timers across a worker restart', () => {
  it('200 cases: every case resumes and every timer fires once', () => openCasesSurviveARestart(200), 900_000);
});

describe.skipIf(!process.env.HRDA_SCALE)('at scale (HRDA_SCALE=1)', () => {
  const cases = Number(process.env.HRDA_SCALE_CASES ?? 10_000);
  it(`${cases} cases: every case resumes and every timer fires once`, () => openCasesSurviveARestart(cases), 6 * 60 * 60_000);
});
