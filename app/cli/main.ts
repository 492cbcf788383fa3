import { Command } from 'commander';
import { registerAuditCommands } from './commands/audit';
import { registerCaseCommands } from './commands/case';
import { registerClockCommands } from './commands/clock';
import { registerDisputeCommands } from './commands/disputes';
import { registerMeetingCommands } from './commands/meeting';
import { registerOpsCommands } from './commands/ops';
import { addRebuildRecordsCommand } from './commands/ops-records';
import { registerReportCommands } from './commands/report';
import { createRunner, createStoreRunner } from './commands/runner';
import { registerSimulateCommand } from './commands/simulate';
import { registerStartCommand } from './commands/start';
import { endQuietlyOnClosedPipe, exitWhenFlushed } from './exit';
import { registerTopologyCommands } from './commands/topology';

// The `hrda` program: each command group lives in commands/; this file only assembles them.
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
