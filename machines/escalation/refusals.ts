import type { Profile } from '../../domain/profile';
import type { DisputeSnapshot } from './deadlines';
import type { DisputeActionEvent } from './events';
import { mayAct, stepAgencies } from './parties';

const verbs = { respond: 'respond to', advance: 'escalate', resolve: 'resolve' } as const;

/**
 * Why the dispute refuses a party's action, in words the caller can act on; undefined when it
 * accepts. The workflow's update validators call this, so a refused action changes nothing.
 */
export function refusalReason(profile: Profile, snapshot: DisputeSnapshot, event: DisputeActionEvent): string | undefined {
  if (snapshot.can(event)) return undefined;
  const c = snapshot.context;
  const step = c.history[c.history.length - 1]!;
  if (snapshot.status === 'done' || c.resolution) {
    return `dispute ${c.disputeId} was resolved at ${c.resolution?.at ?? 'an earlier point'} (step ${c.resolution?.step ?? step.step}); it takes no further action`;
  }
  if (!mayAct(profile, c, event.actor)) {
    const actor = event.actor.agency ? `${event.actor.agency} (${event.actor.role})` : event.actor.role;
    return `${actor} does not hold dispute ${c.disputeId} at step ${step.step}: only ${stepAgencies(profile, c, step).join(', ')} or the administrator may ${verbs[event.type]} it`;
  }
  switch (event.type) {
    case 'advance':
      return `dispute ${c.disputeId} is at the last step of the escalation protocol (${step.step}, stage ${step.stage}: ${step.owner}); there is no further step to escalate to`;
    case 'resolve':
      return `at step ${step.step} ${step.owner} must send a written response before the dispute can be resolved; record it with respond, then resolve`;
    case 'respond':
      return `dispute ${c.disputeId} cannot take a response now`;
  }
}
