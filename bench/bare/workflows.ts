// The bare worker's bundle: the one workflow it registers.
export { bareWorkflow } from './bare.workflow';
