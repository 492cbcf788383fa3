import type { Client } from '@temporalio/client';
import type { Config } from '../domain/config';
import type { Database } from '../store/database';
import type { CaseActivities, RetentionActivities } from '../workflows/activity-types';
import { workerDataKeyStoreFor, type DataKeyStore } from '../worker/codec';
import { cancellableActivities } from './cancellation';
import { createRetentionActivities } from './retention';
import { createCaseRecordActivities } from './case-record';
import type { MailPort } from './mail.port';
import { OutboxMail } from './mail.outbox';
import { SmtpMail } from './mail.smtp';
import { WorkflowNotFoundError } from '@temporalio/common';
import { caseWorkflowId, notificationWithheldSignal } from '../workflows/referral.messages';
import { CaseWorkflowBlockedContacts, guardMail, type BlockedContactsSource } from './mail.guard';
import { createNotificationActivities, type NotificationDeps } from './notify';
import { createPoliceCheckActivities } from './police-checks';
import type { PoliceSystems } from './police-systems.port';
import { LocalPoliceSystems } from './police-systems.local';
import { createSubjectActivities } from './subject-registry';
import { createMeetingActivities } from './meetings';
import { createMeetingWorkflowActivities } from './meeting-activities';
import type { MeetingActivities } from '../workflows/meeting-activity-types';

export interface ActivityDeps {
  /** The service's store; none in a simulation, which keeps nothing once it ends. */
  db?: Database;
  client: Client;
  taskQueue: string;
  subjectSecret: string;
  mail: MailPort;
  police: PoliceSystems;
  /** Where the per-case data keys are (crypto-shredding); without one, retention cannot destroy them. */
  dataKeys?: DataKeyStore;
  /** Where the mail guard reads a case's blocked contacts; the case workflow's query unless a test supplies one. */
  blockedContacts?: BlockedContactsSource;
}

/**
 * The activities the worker registers, built over the ports' adapters. Whatever mail adapter is
 * given, every activity sends through the perpetrator-safety guard (PROTOCOL.md §1.1): there is no
 * path to the adapter around it.
 */
export function createActivities(deps: ActivityDeps): CaseActivities & MeetingActivities & RetentionActivities {
  const mail = guardMail(deps.mail, deps.blockedContacts ?? new CaseWorkflowBlockedContacts(deps.client));
  const reportWithheld = signalWithheld(deps.client);
  const guarded = { ...deps, mail, reportWithheld };
  return cancellableActivities(deps.client, {
    ...createMeetingWorkflowActivities(guarded),
    ...createPoliceCheckActivities({ police: deps.police }),
    ...createNotificationActivities({ mail, reportWithheld }),
    ...createSubjectActivities(guarded),
    ...createMeetingActivities(guarded),
    ...createRetentionActivities(deps),
    ...createCaseRecordActivities(deps),
  });
}

/** The case hears of a withheld message by signal; a case that has ended cannot record it (the failure still shows). */
function signalWithheld(client: Client): NonNullable<NotificationDeps['reportWithheld']> {
  return async (caseId, withheld) => {
    try {
      await client.workflow.getHandle(caseWorkflowId(caseId)).signal(notificationWithheldSignal, withheld);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  };
}

/** The embedded defaults: the local police-systems fixture, the outbox folder unless SMTP is configured, the data-key store in the service's store. */
export function defaultAdapters(config: Config, db: Database): Pick<ActivityDeps, 'mail' | 'police' | 'dataKeys'> {
  return { mail: mailFromConfig(config), police: new LocalPoliceSystems(), dataKeys: workerDataKeyStoreFor(db, config) };
}

function mailFromConfig(config: Config): MailPort {
  if (!config.HRDA_SMTP_URL) return config.HRDA_OUTBOX_DIR ? new OutboxMail(config.HRDA_OUTBOX_DIR) : new OutboxMail();
  const url = new URL(config.HRDA_SMTP_URL);
  return new SmtpMail({
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 587)),
    secure: url.protocol === 'smtps:',
    ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
    from: url.searchParams.get('from') ?? 'HRDA case service <hrda@hrda.local>',
  });
}
