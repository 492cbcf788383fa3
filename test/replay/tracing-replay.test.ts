import { beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { workflowBundleOptions, workflowsPath } from '../../worker/bundle';
import { tracingWorkflowInterceptorModule } from '../../client/tracing/worker-tracing';
import { corpusDataConverter, loadCorpus, type StoredHistory } from './corpus';

/**
 * Turning tracing on (HRDA_OTEL_EXPORTER_OTLP_ENDPOINT) puts the OpenTelemetry workflow interceptors
 * into the worker's bundle while cases are open. Their histories were recorded without them: the
 * corpus must replay with them as it does without (the SDK gates their yield points behind SDK flags).
 */
let corpus: StoredHistory[];
let traced: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  corpus = await loadCorpus();
  traced = await bundleWorkflowCode({ workflowsPath, ...workflowBundleOptions, workflowInterceptorModules: [tracingWorkflowInterceptorModule] });
});

describe('the replay corpus with the tracing interceptors in the bundle', () => {
  it('replays every stored history', async () => {
    const failures: string[] = [];
    let replayed = 0;
    for await (const r of Worker.runReplayHistories({ workflowBundle: traced, dataConverter: corpusDataConverter, replayName: 'corpus-traced' }, corpus.map(({ workflowId, history }) => ({ workflowId, history })))) {
      replayed++;
      if (r.error) failures.push(`${r.workflowId}: ${r.error.name}: ${r.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(corpus.length);
    expect(replayed).toBeGreaterThan(50);
  });
});
