// Every workflow type the worker registers.
export {};
