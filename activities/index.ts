import type { Client } from '@temporalio/client';
import type { Config } from '../domain/config';
import type { CaseActivities, RetentionActivities } from '../workflows/activity-types';
import { dataKeyStoreFor, type DataKeyStore } from '../worker/codec';
import { createRetentionActivities } from './retention';
import type { MailPort } from './mail.port';
import { OutboxMail } from './mail.outbox';
import { SmtpMail } from './mail.smtp';
import { createNotificationActivities } from './notify';
import { createPoliceCheckActivities } from './police-checks';
import type { PoliceSystems } from './police-systems.port';
import { LocalPoliceSystems } from './police-systems.local';
import { createSubjectActivities } from './subject-registry';
import { createMeetingActivities } from './meetings';
import { createMeetingWorkflowActivities } from './meeting-activities';
import type { MeetingActivities } from '../workflows/meeting-activity-types';

export interface ActivityDeps {
  client: Client;
  taskQueue: string;
  subjectSecret: string;
  mail: MailPort;
  police: PoliceSystems;
  /** Where the per-case data keys are (crypto-shredding); without one, retention cannot destroy them. */
  dataKeys?: DataKeyStore;
}

/** The activities the worker registers, built over the ports' adapters. */
export function createActivities(deps: ActivityDeps): CaseActivities & MeetingActivities & RetentionActivities {
  return {
    ...createMeetingWorkflowActivities(deps),
    ...createPoliceCheckActivities({ police: deps.police }),
    ...createNotificationActivities({ mail: deps.mail }),
    ...createSubjectActivities(deps),
    ...createMeetingActivities(deps),
    ...createRetentionActivities(deps),
  };
}

/** The embedded defaults: the local police-systems fixture, the outbox folder unless SMTP is configured, the local data-key store. */
export function defaultAdapters(config: Config): Pick<ActivityDeps, 'mail' | 'police' | 'dataKeys'> {
  return { mail: mailFromConfig(config), police: new LocalPoliceSystems(), dataKeys: dataKeyStoreFor(config) };
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
