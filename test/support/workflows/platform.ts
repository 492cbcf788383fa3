// Minimal workflows that exercise the platform itself (timers, signals, search attributes),
// independent of the protocol's workflows.
import { condition, defineSignal, setHandler, sleep, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';

export async function sleepFor(ms: number): Promise<{ startedAt: number; finishedAt: number }> {
  const startedAt = Date.now();
  await sleep(ms);
  return { startedAt, finishedAt: Date.now() };
}

export const proceed = defineSignal<[string]>('proceed');

export async function waitForSignal(stage: string): Promise<string> {
  upsertSearchAttributes({ HrdaKind: ['platform-test'], HrdaStage: [stage] });
  let received: string | undefined;
  setHandler(proceed, (value) => {
    received = value;
  });
  await condition(() => received !== undefined);
  return `${workflowInfo().workflowId}:${received}`;
}
