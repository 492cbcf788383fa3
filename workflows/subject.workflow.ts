import { ActivityFailure, allHandlersFinished, ApplicationFailure, condition, continueAsNew, defineQuery, defineSignal, defineUpdate, patched, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { plusDuration } from '../domain/duration';
import { repeatWindowEndedNotice } from '../domain/repeat-window';
import type { CaseActivities } from './activity-types';
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
  /** The case's profile (absent from registrations made before it was sent). */
  profileId?: string;
}

export interface SubjectState {
  referrals: SubjectReferral[];
  repeatWindow: string;
}

export const recordReferralUpdate = defineUpdate<RepeatDecision, [RecordReferralRequest]>('recordReferral');
/** The case's latest plan; with the agencies that took part and its profile (absent from signals sent before they were). */
export const planUpdatedSignal = defineSignal<[{ caseId: string; plan: PreviousPlan; agencies?: string[]; profileId?: string }]>('planUpdated');
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
    referrals = [...referrals, {
      caseId: req.caseId, receivedAt: req.receivedAt, route: decision.repeat ? 'hrda' : req.routeIfNotRepeat, repeat: decision.repeat,
      ...(req.profileId ? { profileId: req.profileId } : {}),
    }];
    return decision;
  });
  setHandler(planUpdatedSignal, ({ caseId, plan, agencies, profileId }) => {
    referrals = referrals.map((r) => (r.caseId === caseId ? { ...r, plan, ...(agencies ? { agencies } : {}), ...(profileId ? { profileId } : {}) } : r));
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
  let ended: { referrals: SubjectReferral[]; endedAt: string } | undefined;
  for (;;) {
    const count = referrals.length;
    const due = Date.parse(expiry());
    const changed = due > Date.now() && (await untilExpiry(due, () => referrals.length !== count || workflowInfo().continueAsNewSuggested));
    if (!changed) {
      const known = referrals;
      referrals = stillRelevant(referrals, new Date().toISOString(), repeatWindow);
      if (referrals.length === 0) {
        ended = { referrals: known, endedAt: new Date(due).toISOString() };
        break;
      }
    }
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof subjectWorkflow>({ referrals, repeatWindow });
    }
  }
  // The window has passed since the latest referral: the agencies that took part are told (issue 21
  // item 3). Histories recorded before this ended here with nothing scheduled: they replay unchanged.
  if (ended?.referrals.length && patched(repeatWindowEndedPatch)) {
    await tellRepeatWindowEnded(ended.referrals, ended.endedAt, repeatWindow);
    // Telling can take hours (mail retries): a referral registered meanwhile was answered "not a
    // repeat" (the window had ended) and opens a new one, which this subject goes on keeping.
    if (referrals.length) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof subjectWorkflow>({ referrals, repeatWindow });
    }
  }
  await condition(allHandlersFinished);
}

export const repeatWindowEndedPatch = 'repeat-window-ended';

const { sendNotification, recordRepeatWindowEnded, agenciesOfCase } = proxyActivities<Pick<CaseActivities, 'sendNotification' | 'recordRepeatWindowEnded' | 'agenciesOfCase'>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '1 hour' },
});

/**
 * One message per case, to the agencies that took part in it (its latest plan named them, or else its
 * record in the store), by case reference only; then the case's record entry `repeat.window-ended`.
 * A case with no agencies known (never heard, or no record) has no one to tell; its entry says so.
 */
async function tellRepeatWindowEnded(referrals: readonly SubjectReferral[], endedAt: string, repeatWindow: string): Promise<void> {
  const latestReferralAt = referrals.reduce((acc, r) => (r.receivedAt > acc ? r.receivedAt : acc), '');
  for (const r of [...referrals].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.caseId.localeCompare(b.caseId))) {
    // A heard case whose plan came before plans carried the agencies: its record in the store says who took part.
    const known = r.agencies && r.profileId ? { profileId: r.profileId, agencies: r.agencies } : r.route === 'hrda' ? await agenciesOfCase({ caseId: r.caseId }) : { agencies: [] };
    let told = known.profileId ? known.agencies : [];
    let notSent: string | undefined;
    if (known.profileId && told.length) {
      try {
        await sendNotification(repeatWindowEndedNotice({ caseId: r.caseId, profileId: known.profileId, agencies: told }, { latestReferralAt, endedAt, repeatWindow }));
      } catch (err) {
        // A refusal that retrying cannot change (an agency gone from the directory, a recipient the
        // perpetrator guard withheld) must not stop the other cases being told: it goes on the entry.
        if (!(err instanceof ActivityFailure)) throw err;
        const cause = err.cause instanceof ApplicationFailure ? `${err.cause.type ?? 'Error'}: ${err.cause.message}` : err.message;
        notSent = cause.slice(0, 500);
        told = [];
      }
    }
    await recordRepeatWindowEnded({ caseId: r.caseId, entry: { at: endedAt, type: 'repeat.window-ended', caseId: r.caseId, actor: { role: 'system' }, data: { latestReferralAt, repeatWindow, told, ...(notSent ? { notSent } : {}) } } });
  }
}
