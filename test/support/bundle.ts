import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { workflowBundleOptions } from '../../worker/codec';
import { workflowsPath } from '../../worker/worker';

/** The workflows bundled as the worker bundles them (failures encoded), once per test file. */
export function bundleWorkflows(path: string = workflowsPath): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: path, ...workflowBundleOptions });
}
