import type { Command } from 'commander';
import { Option } from 'commander';
import { apiRoleSchema } from '../../domain/auth';
import { apiToken, temporalIdentitySchema, temporalToken } from '../../scripts/topology/identity';
import { defaultBasePort, topologyLayout } from '../../scripts/topology/layout';
import { topologyUp } from '../../scripts/topology/topology';

/**
 * `hrda topology`: the production-shaped deployment on this machine (deploy/, docs/deployment.md).
 * Not the development service (`npm start`): this one runs the Temporal server on PostgreSQL as
 * separate services, with mTLS and authorization, several workers and API processes.
 */
export function registerTopologyCommands(program: Command): void {
  const topology = program.command('topology').description('the production-shaped deployment on this machine (docs/deployment.md)');
  const basePort = new Option('--base-port <port>', 'the first of the topology\'s ports (each process listens at an offset from it)').default(defaultBasePort).argParser(Number);

  topology
    .command('up')
    .description('start PostgreSQL, the Temporal services, two HRDA workers and two API processes (deploy/Procfile); Ctrl-C stops them all')
    .addOption(basePort)
    .action(async (opts: { basePort: number }) => {
      const log = (line: string) => console.error(line);
      const running = await topologyUp({ layout: topologyLayout({ basePort: opts.basePort }), log });
      console.log('');
      console.log('HRDA topology is running.');
      console.log(`  Temporal frontend   ${running.frontendAddress} (mTLS; namespace ${running.namespace})`);
      console.log(`  HTTP API            ${running.apiUrls.join('  ')}`);
      console.log(`  Environment         ${running.layout.dir}/topology.env   Logs: ${running.layout.dir}/logs/`);
      console.log('  Tokens              npx hrda topology token --temporal ops | --api chair --sub someone');
      console.log('Press Ctrl-C to stop.');
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        console.error(`\n${signal} received: stopping every process in reverse order…`);
        await running.stop();
        console.error('Stopped.');
        process.exit(0);
      };
      process.on('SIGINT', () => void stop('SIGINT'));
      process.on('SIGTERM', () => void stop('SIGTERM'));
    });

  topology
    .command('token')
    .description('print a token signed by the local deployment\'s key: for the Temporal frontend (--temporal) or for the HTTP API (--api)')
    .addOption(basePort)
    .addOption(new Option('--temporal <identity>', 'service (writes to the namespace), ops (reads it) or admin').choices(temporalIdentitySchema.options))
    .addOption(new Option('--api <role>', 'a person\'s role at the API').choices(apiRoleSchema.options))
    .option('--sub <subject>', 'the person (API tokens)', 'topology-user')
    .option('--agency <agency>', 'the agency the person acts for (API tokens)')
    .option('--namespace <namespace>', 'the Temporal namespace', 'hrda')
    .option('--minutes <minutes>', 'lifetime', (v) => Number(v), 60)
    .action(async (opts: { basePort: number; temporal?: 'service' | 'ops' | 'admin'; api?: string; sub: string; agency?: string; namespace: string; minutes: number }) => {
      const layout = topologyLayout({ basePort: opts.basePort });
      if (opts.temporal) console.log(await temporalToken(layout, opts.temporal, opts.namespace, opts.minutes * 60));
      else if (opts.api) console.log(await apiToken(layout, { sub: opts.sub, role: apiRoleSchema.parse(opts.api), ...(opts.agency ? { agency: opts.agency } : {}) }, opts.minutes * 60));
      else throw new Error('name --temporal <identity> or --api <role>');
    });
}
