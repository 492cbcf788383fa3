import { createRequire } from 'node:module';

/**
 * The workflow interceptors of @temporalio/interceptors-opentelemetry, for `bundleWorkflowCode`'s
 * `workflowInterceptorModules`: the service's worker is given a prebuilt bundle, so they are bundled in,
 * not named in the worker's options. They make no command (the SDK gates their yields behind SDK flags
 * recorded in the history), so a worker with them replays histories made without them.
 */
export const tracingWorkflowInterceptorModule = createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');
