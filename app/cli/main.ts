import { Command } from 'commander';
import { registerAuditCommands } from '../../client/cli/commands/audit';
import { registerCaseCommands } from '../../client/cli/commands/case';
import { registerClockCommands } from '../../client/cli/commands/clock';
import { registerDisputeCommands } from '../../client/cli/commands/disputes';
import { registerMeetingCommands } from '../../client/cli/commands/meeting';
import { registerOpsCommands } from '../../client/cli/commands/ops';
import { addRebuildRecordsCommand } from '../../client/cli/commands/ops-records';
import { registerReportCommands } from '../../client/cli/commands/report';
import { createRunner, createStoreRunner } from '../../client/cli/commands/runner';
import { registerSimulateCommand } from './simulate';
import { registerStartCommand } from './start';
import { endQuietlyOnClosedPipe, exitWhenFlushed } from '../../client/cli/exit';
import { registerTopologyCommands } from './topology';

// The `hrda` program (bin/hrda.mjs, `npm start`): this file only assembles the command groups. Those that
// start processes — `start`, `topology`, `simulate` — live beside it in app/, the composition root; those
// that talk to a running service, or read the store, live in client/cli/commands/ (docs/architecture.md).
const program = new Command('hrda')
  .description('Case-lifecycle orchestration for high-risk domestic abuse multi-agency arrangements')
  .showHelpAfterError();

const run = createRunner();
registerStartCommand(program);
registerCaseCommands(program, run);
registerAuditCommands(program, run, createStoreRunner());
registerMeetingCommands(program, run);
registerDisputeCommands(program, run);
registerReportCommands(program, run);
addRebuildRecordsCommand(registerOpsCommands(program, run), run);
registerSimulateCommand(program);
registerClockCommands(program);
registerTopologyCommands(program);

endQuietlyOnClosedPipe();
program.parseAsync(process.argv).catch(async (err: Error) => {
  console.error(err.message);
  await exitWhenFlushed(1);
});
