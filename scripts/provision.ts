import { ensureTemporalCli } from './temporal-cli';
import { ensureTestServer } from './test-server';

// Provisions both Temporal servers (idempotent): the CLI that embeds the dev server, and the
// Java time-skipping test server with its launcher.
const log = (line: string) => console.error(line);
const started = Date.now();
const [cli, testServer] = await Promise.all([ensureTemporalCli({ log }), ensureTestServer({ log })]);
console.log(`Temporal CLI:         ${cli}`);
console.log(`Temporal test server: ${testServer}`);
console.log(`Provisioned in ${((Date.now() - started) / 1000).toFixed(1)} s`);
