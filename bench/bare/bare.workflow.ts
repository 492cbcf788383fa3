import {
  allHandlersFinished, ApplicationFailure, condition, defineQuery, defineUpdate, proxyActivities, setHandler, sleep,
} from '@temporalio/workflow';
import type { BareActivities } from './activities';

/**
 * Temporal with nothing of the service in it: no XState, no zod, no profile, no payload codec.
 * It does what a case does to Temporal — the same number of activities, timers and updates,
 * shaped the same way (one activity before it is ready, the rest in parallel; a timer armed
 * while it waits for each next update, cancelled when the update arrives) — so that the bench
 * can say what the service costs over Temporal itself.
 */
export interface BarePlan {
  /** Activities in all: the first before the workflow is ready, the rest in parallel after. */
  activities: number;
  /** Timers: each wait for the next step arms one while any are left, then short sleeps use up the rest. */
  timers: number;
  /** Step updates after `ready`; the workflow completes after the last (Number.MAX_SAFE_INTEGER keeps it open). */
  steps: number;
}

export interface BareStep {
  note: string;
}

export interface BareView {
  steps: number;
  notes: string[];
  ready: boolean;
}

export const bareReadyUpdate = defineUpdate<BareView, []>('ready');
export const bareStepUpdate = defineUpdate<BareView, [BareStep]>('step');
export const bareStateQuery = defineQuery<BareView>('state');

const { work } = proxyActivities<BareActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

export async function bareWorkflow(plan: BarePlan): Promise<BareView> {
  const state: BareView = { steps: 0, notes: [], ready: false };
  const view = (): BareView => ({ ...state, notes: [...state.notes] });
  setHandler(bareReadyUpdate, async () => {
    await condition(() => state.ready);
    return view();
  });
  setHandler(
    bareStepUpdate,
    (step) => {
      state.steps++;
      state.notes.push(step.note);
      return view();
    },
    {
      validator: (step) => {
        if (typeof (step as Partial<BareStep> | undefined)?.note !== 'string') {
          throw ApplicationFailure.create({ type: 'InvalidInput', message: 'note: expected a string', nonRetryable: true });
        }
      },
    },
  );
  setHandler(bareStateQuery, view);

  if (plan.activities > 0) await work({ n: 0 });
  state.ready = true;
  const rest = Array.from({ length: Math.max(0, plan.activities - 1) }, (_, i) => work({ n: i + 1 }));

  let timers = 0;
  while (state.steps < plan.steps) {
    const seen = state.steps;
    if (timers < plan.timers) {
      timers++;
      await condition(() => state.steps !== seen, '1 day');
    } else {
      await condition(() => state.steps !== seen);
    }
  }
  for (; timers < plan.timers; timers++) await sleep(1);
  await Promise.all(rest);
  await condition(allHandlersFinished);
  return view();
}
