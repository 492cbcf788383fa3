import { proxyActivities } from '@temporalio/workflow';
import { fromPromise } from 'xstate';
import { durationMs } from '../../domain/duration';
import type { Profile } from '../../domain/profile';
import type { Referral } from '../../domain/referral';
import type { backgroundChecksActor} from '../../machines/referral';
import { type CheckResult } from '../../machines/referral';
import type { CaseActivities } from '../activity-types';

/**
 * The machine's `runBackgroundChecks`: each police system is a check of its own, retried with the
 * profile's backoff; one that cannot complete within its budget is reported as a gap, never
 * silently skipped (PROTOCOL.md §1.2).
 */
export function backgroundChecks(profile: Profile, referral: Referral): typeof backgroundChecksActor {
  const { checkPoliceSystem } = proxyActivities<CaseActivities>({
    startToCloseTimeout: '2 minutes',
    scheduleToCloseTimeout: durationMs(profile.checks.retry.giveUpAfter),
    retry: {
      initialInterval: durationMs(profile.checks.retry.initialInterval),
      backoffCoefficient: profile.checks.retry.backoffCoefficient,
      maximumInterval: durationMs(profile.checks.retry.maximumInterval),
    },
  });
  const people = [
    { role: 'victim' as const, name: referral.victim.name, dateOfBirth: referral.victim.dateOfBirth },
    { role: 'perpetrator' as const, name: referral.perpetrator.name, ...(referral.perpetrator.dateOfBirth ? { dateOfBirth: referral.perpetrator.dateOfBirth } : {}) },
    ...referral.children.map((c) => ({ role: 'child' as const, name: c.name, dateOfBirth: c.dateOfBirth })),
  ];
  return fromPromise(async ({ input: { caseId, systems } }) => {
    const results = await Promise.all(
      systems.map((name) => {
        const system = name as CheckResult['system'];
        return checkPoliceSystem({ caseId, system, people }).then(
          (r): CheckResult => ({ system: r.system, status: 'completed', hits: r.hits, records: r.records }),
          (): CheckResult => ({ system, status: 'unavailable', error: `${system} could not be searched within ${profile.checks.retry.giveUpAfter}` }),
        );
      }),
    );
    return { at: new Date().toISOString(), results };
  });
}
