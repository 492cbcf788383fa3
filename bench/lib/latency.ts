import { progress } from './progress';
import { summarise, type LatencySummary } from './stats';
import { describeError } from './errors';

export interface LatencyRun extends LatencySummary {
  clients: number;
  errors: number;
  firstError?: string;
  seconds: number;
  perSecond: number;
}

/**
 * `clients` concurrent clients, each doing `perClient` user actions one after another; every
 * action's round trip (request sent → answer read) is a sample.
 */
export async function latency(label: string, clients: number, perClient: number, action: (client: number, n: number) => Promise<void>): Promise<LatencyRun> {
  const samples: number[] = [];
  const bar = progress(label, clients * perClient);
  let errors = 0;
  let firstError: string | undefined;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let n = 0; n < perClient; n++) {
        const t0 = performance.now();
        try {
          await action(client, n);
          samples.push(performance.now() - t0);
        } catch (err) {
          errors++;
          firstError ??= describeError(err);
        }
        bar.tick();
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  bar.done();
  return { ...summarise(samples), clients, errors, ...(firstError ? { firstError } : {}), seconds, perSecond: samples.length / seconds };
}
