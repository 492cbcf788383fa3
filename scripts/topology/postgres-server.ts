import { z } from 'zod';
import { startLocalPostgres } from '../postgres';

/**
 * The deployment's PostgreSQL as a process of its own (deploy/Procfile): the project's embedded
 * server (scripts/postgres.ts), holding the service's store and the Temporal server's databases.
 * It runs until SIGTERM or SIGINT, then shuts down fast (nothing committed is lost).
 */
const env = z.object({ HRDA_TOPOLOGY_POSTGRES_PORT: z.coerce.number().int(), HRDA_TOPOLOGY_POSTGRES_DATA: z.string().min(1), HRDA_TOPOLOGY_POSTGRES_PASSWORD_FILE: z.string().min(1) }).parse(process.env);
const server = await startLocalPostgres({
  dataDir: env.HRDA_TOPOLOGY_POSTGRES_DATA,
  passwordFile: env.HRDA_TOPOLOGY_POSTGRES_PASSWORD_FILE,
  port: env.HRDA_TOPOLOGY_POSTGRES_PORT,
  log: (l) => console.error(l),
});
console.error(`PostgreSQL accepting connections on 127.0.0.1:${server.port}`);
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
