import type { UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import { caseCommandSchemas, type CaseCommandName } from '../../domain/case-commands';
import type { Profile } from '../../domain/profile';
import { caseView, commandFieldIssues, refusalReason, type CaseSnapshot, type CommandEvent } from '../../machines/referral';
import { caseUpdates, type CaseAcknowledgement } from '../referral.messages';

interface CommandHost {
  snapshot(): CaseSnapshot;
  send(event: CommandEvent): void;
  /** Resolves once the dispute's workflow has started, so the caller can act on it at once. */
  disputeStarted(disputeId: string): boolean;
}

/**
 * One update per user action. The validator parses the input and asks the machine whether it
 * accepts the action now; a refused update never reaches the history, and the caller is told
 * every field at fault, or the reason.
 */
export function handleCaseCommands(profile: Profile, host: CommandHost): void {
  for (const name of Object.keys(caseUpdates) as CaseCommandName[]) {
    setHandler(
      caseUpdates[name] as UpdateDefinition<CaseAcknowledgement, [unknown]>,
      async (raw) => {
        const event = { type: name, at: new Date().toISOString(), ...caseCommandSchemas[name].parse(raw) } as CommandEvent;
        host.send(event);
        if (event.type === 'raiseDispute') await condition(() => host.disputeStarted(event.dispute));
        const snapshot = host.snapshot();
        const view = caseView(snapshot);
        return { caseId: view.caseId, version: snapshot.context.timeline.length, stage: view.stage };
      },
      {
        validator: (raw) => {
          const parsed = caseCommandSchemas[name].safeParse(raw);
          if (!parsed.success) {
            const fields = parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`);
            throw ApplicationFailure.create({
              type: 'InvalidInput',
              message: `Invalid ${name}: ${fields.join('; ')}`,
              details: [parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message }))],
              nonRetryable: true,
            });
          }
          const event = { type: name, at: new Date().toISOString(), ...parsed.data } as CommandEvent;
          const reason = refusalReason(profile, host.snapshot(), event);
          if (reason) throw ApplicationFailure.create({ type: 'Refused', message: `${name} refused: ${reason}`, nonRetryable: true });
          const fields = commandFieldIssues(profile, host.snapshot(), event);
          if (fields.length) {
            throw ApplicationFailure.create({
              type: 'InvalidInput',
              message: `Invalid ${name}: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`,
              details: [fields.map((f) => ({ path: f.path.split('.'), message: f.message }))],
              nonRetryable: true,
            });
          }
        },
      },
    );
  }
}
