import { allHandlersFinished, condition, continueAsNew, defineQuery, defineSignal, defineUpdate, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { plusDuration } from '../domain/duration';
import { deadlineTimers } from './deadline-timers';
import type { Route } from '../domain/timeline';
import type { PreviousPlan } from '../machines/referral';
import { decideRepeat, stillRelevant, type RepeatDecision, type SubjectReferral } from '../machines/subject/repeats';

export interface RecordReferralRequest {
  caseId: string;
  receivedAt: string;
  /** Where the referral goes on its own risk level, before repeat detection (profile routing). */
  routeIfNotRepeat: Route;
  repeatWindow: string;
}

export interface SubjectState {
  referrals: SubjectReferral[];
  repeatWindow: string;
}

export const recordReferralUpdate = defineUpdate<RepeatDecision, [RecordReferralRequest]>('recordReferral');
export const planUpdatedSignal = defineSignal<[{ caseId: string; plan: PreviousPlan }]>('planUpdated');
export const subjectReferralsQuery = defineQuery<SubjectReferral[]>('referrals');
/**
 * A case's route was decided after it registered: a MASH case referred to MARAC (003 §17.2) makes
 * the victim's later incidents within the repeat window repeats.
 */
export const routeDecidedSignal = defineSignal<[{ caseId: string; route: Route }]>('routeDecided');

/**
 * One entity workflow per subject (a keyed hash of the victim's stable identifiers: no personal
 * data in its ID or history). It serialises the repeat decision for that victim and remembers
 * each referral, with its latest plan, for the repeat window; then it ends.
 */
export async function subjectWorkflow(state?: SubjectState): Promise<void> {
  let referrals = state?.referrals ?? [];
  let repeatWindow = state?.repeatWindow ?? 'P12M';
  const decisions = new Map<string, RepeatDecision>();
  upsertSearchAttributes({ HrdaKind: ['subject'] });

  setHandler(recordReferralUpdate, (req) => {
    repeatWindow = req.repeatWindow;
    // Idempotent: a retried registration of the same case gets the same answer.
    const earlier = decisions.get(req.caseId);
    if (earlier) return earlier;
    const known = referrals.find((r) => r.caseId === req.caseId);
    if (known) return { repeat: known.repeat };
    const decision = decideRepeat(referrals, req.receivedAt, req.repeatWindow);
    decisions.set(req.caseId, decision);
    referrals = [...referrals, { caseId: req.caseId, receivedAt: req.receivedAt, route: decision.repeat ? 'hrda' : req.routeIfNotRepeat, repeat: decision.repeat }];
    return decision;
  });
  setHandler(planUpdatedSignal, ({ caseId, plan }) => {
    referrals = referrals.map((r) => (r.caseId === caseId ? { ...r, plan } : r));
  });
  setHandler(subjectReferralsQuery, () => referrals);
  setHandler(routeDecidedSignal, ({ caseId, route }) => {
    referrals = referrals.map((r) => (r.caseId === caseId ? { ...r, route } : r));
  });

  const expiry = () => {
    const latest = referrals.reduce((acc, r) => (r.receivedAt > acc ? r.receivedAt : acc), '');
    return latest ? plusDuration(latest, repeatWindow) : new Date().toISOString();
  };
  const untilExpiry = deadlineTimers();
  for (;;) {
    const count = referrals.length;
    const due = Date.parse(expiry());
    const changed = due > Date.now() && (await untilExpiry(due, () => referrals.length !== count || workflowInfo().continueAsNewSuggested));
    if (!changed) {
      referrals = stillRelevant(referrals, new Date().toISOString(), repeatWindow);
      if (referrals.length === 0) break;
    }
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof subjectWorkflow>({ referrals, repeatWindow });
    }
  }
  await condition(allHandlersFinished);
}
