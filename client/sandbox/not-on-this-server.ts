/** What the API and the CLI say when the Temporal server lacks what a request needs (./unimplemented.ts). */
export const notOnThisServer = [
  'The Temporal server does not implement what this needs. In the sandbox (`hrda start --sandbox`) the time-skipping',
  'test server has no visibility API: what lists workflows (`hrda audit replay --all`, `hrda ops archive`, the archiver) cannot',
  'run there, while cases, timelines, case lists, agendas and reports (read from the store) can. Run it on the dev server (`npm start`) instead.',
].join(' ');
