import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { historyFromJSON, type History } from '@temporalio/common/lib/proto-utils';
import { workflowTypeOf } from '../../client/audit/history';
import type { TimelineEntry } from '../../domain/timeline';
import { createDataConverter, developmentKeyRing } from '../../worker/codec';
import { referralWorkflowType } from '../../workflows/referral.messages';

/** The replay corpus written by scripts/generate-replay-corpus.ts. */
const here = path.dirname(fileURLToPath(import.meta.url));
export const historiesDir = path.join(here, 'histories');
export const timelinesDir = path.join(here, 'timelines');

/** The corpus is written under the published development keys, as `hrda simulate` runs. */
export const corpusDataConverter = createDataConverter(developmentKeyRing());

export interface StoredHistory {
  name: string;
  workflowId: string;
  workflowType: string;
  history: History;
}

/**
 * A file's workflow ID, from the generator's naming: `<scenario>-<ref>.json` is the case
 * `<scenario>-<ref>`; `<scenario>--<workflowId>.json` any other workflow.
 */
const workflowIdOf = (name: string, type: string) => {
  const base = name.replace(/\.json$/, '');
  const split = base.indexOf('--');
  if (split >= 0) return base.slice(split + 2);
  return type === referralWorkflowType ? `case-${base}` : base;
};

export async function loadCorpus(): Promise<StoredHistory[]> {
  const names = (await readdir(historiesDir)).filter((n) => n.endsWith('.json')).sort();
  return Promise.all(names.map(async (name) => {
    const history = historyFromJSON(JSON.parse(await readFile(path.join(historiesDir, name), 'utf8')));
    const workflowType = workflowTypeOf(history);
    return { name, workflowId: workflowIdOf(name, workflowType), workflowType, history };
  }));
}

/** The timeline the case's workflow reported when the corpus was generated (query `timeline`). */
export async function reportedTimeline(name: string): Promise<TimelineEntry[]> {
  return JSON.parse(await readFile(path.join(timelinesDir, name), 'utf8')) as TimelineEntry[];
}
