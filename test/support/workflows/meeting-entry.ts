// The workflows the meeting tests bundle: every workflow the worker registers.
export * from '../../../workflows/index';
