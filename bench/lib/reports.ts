import type { Client } from '@temporalio/client';
import { buildSafeLivesReport, collectSafeLivesCases, readSafeLivesCases } from '../../client/reports/safelives';
import type { Database } from '../../store/database';
import { say } from './progress';
import { percentile } from './stats';

export interface ReportReadRun {
  /** Cases the return counted (heard in the period). */
  cases: number;
  /** Seconds for the whole return, median of the rounds: read and built. */
  storeSeconds: number;
  queriesSeconds: number;
  rounds: number;
  /** Whether both ways gave the same return, every round. */
  same: boolean;
}

/**
 * The SafeLives return over the bench's closed cases, read two ways (issue 15 item 7): from the case
 * record in the store (one query, each record's personal facts decrypted), and as it was read before
 * the record, by visibility and one state query to each case's workflow (each closed case replayed
 * by the worker to answer).
 */
export async function safeLivesReadComparison(client: Client, db: Database, from: string, to: string, rounds: number): Promise<ReportReadRun> {
  const converter = client.options.loadedDataConverter;
  const store: number[] = [];
  const queries: number[] = [];
  let same = true;
  let cases = 0;
  for (let round = 0; round < rounds; round++) {
    let t = performance.now();
    const fromStore = buildSafeLivesReport(await readSafeLivesCases(db, converter, from), from, to);
    store.push((performance.now() - t) / 1000);
    t = performance.now();
    const byQueries = buildSafeLivesReport(await collectSafeLivesCases(client, from), from, to);
    queries.push((performance.now() - t) / 1000);
    same &&= JSON.stringify(fromStore) === JSON.stringify(byQueries);
    cases = fromStore.cases;
    say(`SafeLives return, round ${round + 1} of ${rounds}: ${cases} cases, ${store.at(-1)!.toFixed(2)} s from the store, ${queries.at(-1)!.toFixed(2)} s by workflow queries${same ? '' : ' (THEY DIFFER)'}`);
  }
  return { cases, storeSeconds: percentile([...store].sort((a, b) => a - b), 50), queriesSeconds: percentile([...queries].sort((a, b) => a - b), 50), rounds, same };
}
