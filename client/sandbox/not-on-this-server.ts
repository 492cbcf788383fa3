/** What the API and the CLI say when the Temporal server lacks what a request needs (./unimplemented.ts). */
export const notOnThisServer = [
  'The Temporal server does not implement what this needs. In the sandbox (`hrda start --sandbox`) the time-skipping',
  'test server has no visibility API: what lists workflows (reports, `hrda audit replay --all`, the archive) cannot run',
  'there, while cases, timelines and case lists (read from the store) can. Run it on the dev server (`npm start`) instead.',
].join(' ');
