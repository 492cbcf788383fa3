import type { CaseContext, MatrixAction } from './context';
import { sharingPending } from './information-sharing';
import { maracPending } from './marac';
import { dvpoInForce } from './notices';

/** The facts that say what a case still waits for: its context, or the case view built from it. */
export type AwaitingFacts = Pick<CaseContext, 'actions' | 'review' | 'openDisputes' | 'notices' | 'informationSharing' | 'marac'>;

const isDone = (a: MatrixAction) => a.status === 'completed' || a.status === 'closed';

/**
 * What a case after its meeting, or referred on with a shared incident, still waits for, each
 * naming who or what can move it: an action's owner, the management review, a dispute's parties,
 * a DVPO's expiry, First Response or health ([001]), the MARAC's outcome. Empty when nothing is,
 * and the case then closes by itself (PROTOCOL.md §1.4). One definition for the machine's closing
 * guard and for the generated-scenario harness (test/generated), which checks that no case is
 * left open waiting for nothing: kept apart, the two had drifted (issue 14).
 */
export function awaiting(c: AwaitingFacts): string[] {
  const s = c.informationSharing;
  return [
    ...c.actions.filter((a) => !isDone(a)).map((a) => `action ${a.id} (${a.owner})`),
    ...(c.review !== null ? ['the management review'] : []),
    ...c.openDisputes.map((id) => `dispute ${id}`),
    ...(dvpoInForce(c) ? ['a DVPO in force'] : []),
    ...(sharingPending(c) && s?.firstResponse && !s.firstResponse.decision ? [`First Response's decision (${s.firstResponse.agency})`] : []),
    ...(sharingPending(c) && s?.healthSharing && !s.healthSharing.record ? [`health's sharing (${s.healthSharing.agency})`] : []),
    ...(maracPending(c) ? ["the MARAC's outcome"] : []),
  ];
}
