import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { workflowBundleOptionsSharing, workflowsPath } from '../../worker/bundle';

/**
 * The workflows bundled as the worker bundles them (failures encoded, domain/ shared), once per
 * test file. `sharing` lists test modules that register shared state, e.g. a profile of their own.
 */
export function bundleWorkflows(path: string = workflowsPath, sharing: readonly string[] = []): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: path, ...workflowBundleOptionsSharing(sharing) });
}
