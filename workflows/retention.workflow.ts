import { condition, continueAsNew, defineQuery, defineSignal, patched, proxyActivities, setHandler, sleep, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { plusDuration } from '../domain/duration';
import type { RetentionActivities } from './activity-types';
import { deadlineTimers } from './deadline-timers';

/** A case whose personal data is kept for a period after it was received. */
export interface RetainedCase {
  caseId: string;
  receivedAt: string;
  /** ISO 8601 duration from the case's profile (`retention.afterLatestReferral`). */
  retention: string;
}

export interface RetentionInput {
  /** The subject's keyed hash (its workflow is `subject-<subjectKey>`): nothing personal. */
  subjectKey: string;
  cases: RetainedCase[];
}

export const retainCaseSignal = defineSignal<[RetainedCase]>('retainCase');
export const retainUntilQuery = defineQuery<string | null>('retainUntil');
/**
 * A legal hold on the subject or one of its cases was placed or lifted (client/holds). It carries
 * nothing: the holds themselves are in the store, where the destruction reads them. A workflow
 * waiting on a hold looks again at once; without the signal it looks again after thirty days.
 */
export const holdsChangedSignal = defineSignal('holdsChanged');
/** The holds that stopped the latest destruction (opaque IDs), none while nothing is held. */
export const heldByQuery = defineQuery<string[]>('heldBy');
export const retentionWorkflowId = (subjectKey: string) => `retention-${subjectKey}`;

const { destroyPersonalData } = proxyActivities<RetentionActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '1 hour' },
});

/** How long to wait before looking again when a case is still open at the end of the period. */
const recheckOpenCasesAfter = '30 days';

/**
 * The retention clock of one subject (a victim, across referrals). Every case registered for the
 * subject is signalled here; the personal data is kept until the latest case's period has run from
 * its receipt (so the clock restarts on a repeat), and while any of the cases is still open. Then
 * the data keys of every case and of the subject are destroyed: their payloads become unreadable
 * wherever their histories are, and the non-personal skeleton (search attributes, dates) remains.
 * A legal hold on the subject or any of its cases suspends the destruction until it is lifted.
 * Its own history holds case IDs, dates and periods only.
 */
export async function retentionWorkflow(input: RetentionInput): Promise<void> {
  let cases = input.cases;
  setHandler(retainCaseSignal, (c) => {
    if (!cases.some((known) => known.caseId === c.caseId)) cases = [...cases, c];
  });
  const retainUntil = () => cases.reduce<string | null>((latest, c) => {
    const until = plusDuration(c.receivedAt, c.retention);
    return latest === null || until > latest ? until : latest;
  }, null);
  setHandler(retainUntilQuery, retainUntil);
  let holdsChanged = 0;
  let heldBy: string[] = [];
  setHandler(holdsChangedSignal, () => void holdsChanged++);
  setHandler(heldByQuery, () => heldBy);
  upsertSearchAttributes({ HrdaKind: ['retention'] });

  const untilRetained = deadlineTimers();
  for (;;) {
    const until = retainUntil();
    const known = cases.length;
    if (until !== null) upsertSearchAttributes({ HrdaNextDeadline: [new Date(until)] });
    const due = until === null ? undefined : Date.parse(until);
    if (due === undefined || due > Date.now()) {
      const changed = await untilRetained(due, () => cases.length !== known || workflowInfo().continueAsNewSuggested);
      if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof retentionWorkflow>({ ...input, cases });
      if (changed) continue;
    }
    const outcome = await destroyPersonalData({
      subjectKey: input.subjectKey,
      caseIds: cases.map((c) => c.caseId),
      at: new Date().toISOString(),
    });
    const held = outcome.held ?? [];
    if (outcome.stillOpen.length === 0 && held.length === 0 && cases.length === known) return;
    // A legal hold suspends destruction until it is lifted (docs/data-protection.md, legal hold): wait
    // for a hold to change or a case to arrive, and look again thirty days on in any case. Answers
    // recorded before holds existed never carry `held`, so their histories never come here.
    if (held.length && patched('legal-hold')) {
      heldBy = held;
      const seen = holdsChanged;
      await condition(() => holdsChanged !== seen || cases.length !== known || workflowInfo().continueAsNewSuggested, recheckOpenCasesAfter);
      heldBy = [];
      if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof retentionWorkflow>({ ...input, cases });
      continue;
    }
    // A case still open keeps everything (its data is in use); a new referral restarts the clock.
    if (outcome.stillOpen.length) await sleep(recheckOpenCasesAfter);
  }
}
