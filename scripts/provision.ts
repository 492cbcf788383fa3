import { ensureTemporalCli } from './temporal-cli';
import { ensureTemporalServer } from './temporal-server';
import { ensureTestServer } from './test-server';

// Provisions both Temporal servers (idempotent): the CLI that embeds the dev server, and the
// Java time-skipping test server with its launcher. With --topology, also the Temporal server and
// its SQL schema tool for the production-shaped topology (deploy/): a Go build of minutes that the
// dev-server path never waits for, so it is built only when asked.
const log = (line: string) => console.error(line);
const started = Date.now();
const topology = process.argv.includes('--topology');
const [cli, testServer, server] = await Promise.all([
  ensureTemporalCli({ log }),
  ensureTestServer({ log }),
  topology ? ensureTemporalServer({ log }) : Promise.resolve(undefined),
]);
console.log(`Temporal CLI:         ${cli}`);
console.log(`Temporal test server: ${testServer}`);
if (server) {
  console.log(`Temporal server:      ${server.server}`);
  console.log(`Temporal SQL tool:    ${server.sqlTool}`);
  console.log(`PostgreSQL schemas:   ${server.schemaDir}`);
}
console.log(`Provisioned in ${((Date.now() - started) / 1000).toFixed(1)} s`);
