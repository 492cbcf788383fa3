// An archiver in a process of its own, for the test that kills one part-way (test/archive). It runs
// one pass with the configuration in its environment and the bundle at HRDA_TEST_BUNDLE, pausing
// after each run it stores so that the parent can SIGKILL it between two; it prints one line per run.
import { Client, Connection } from '@temporalio/client';
import { archivePass } from '../../client/archive/archiver';
import { parseConfig } from '../../domain/config';
import { openDatabase } from '../../store/database';
import { dataConverterFor } from '../../worker/codec';

const config = parseConfig(process.env);
const address = process.env.HRDA_TEST_TEMPORAL_ADDRESS!;
const connection = await Connection.connect({ address });
const db = openDatabase(config.HRDA_DATABASE_URL!, { applicationName: 'hrda-test-archiver' });
const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: dataConverterFor(config, db) });
const pass = await archivePass({
  db, client, workflowBundle: { codePath: process.env.HRDA_TEST_BUNDLE! }, dataConverter: dataConverterFor(config, db), batchSize: 1,
  afterStore: async (run) => {
    process.stdout.write(`stored ${run.workflowId}/${run.runId}\n`);
    await new Promise((r) => setTimeout(r, 60_000));
  },
});
process.stdout.write(`pass ${JSON.stringify(pass)}\n`);
await db.end();
await connection.close();
