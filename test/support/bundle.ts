import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { workflowBundleOptions, workflowsPath } from '../../worker/bundle';

/** The workflows bundled as the worker bundles them (failures encoded), once per test file. */
export function bundleWorkflows(path: string = workflowsPath): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: path, ...workflowBundleOptions });
}
