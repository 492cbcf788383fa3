import type { AgendaEntry, MeetingKind } from '../domain/agenda';
import type { Notification } from '../domain/notification';
import type { PoliceSystem, TimelineEntry } from '../domain/timeline';
import type { RepeatDecision } from '../machines/subject/repeats';
import type { Route } from '../domain/timeline';
import type { CaseRecord } from '../domain/case-record';
import type { DisputeRecord } from '../domain/dispute-record';

/**
 * The activities workflows call, by signature only: workflows import these types, never the
 * implementations (which do I/O) — the worker registers the implementations under these names.
 */
export interface CaseActivities {
  checkPoliceSystem(input: {
    caseId: string;
    system: PoliceSystem;
    people: { role: 'victim' | 'perpetrator' | 'child'; name: string; dateOfBirth?: string }[];
  }): Promise<{ system: PoliceSystem; status: 'completed'; hits: number; records: { reference: string; summary: string }[] }>;

  sendNotification(n: Notification): Promise<{ status: 'sent' | 'already-sent'; recipients: number }>;

  /** Puts a case on a meeting's agenda (signal-with-start of the meeting workflow); returns the meeting's workflow ID. */
  enlistInMeeting(input: { profileId: string; kind: MeetingKind; meetingAt: string; entry: AgendaEntry }): Promise<{ meetingWorkflowId: string }>;

  /** Registers the referral with its subject's entity workflow and returns the repeat decision. */
  registerWithSubject(input: {
    caseId: string;
    victim: { name: string; dateOfBirth: string };
    receivedAt: string;
    routeIfNotRepeat: Route;
    repeatWindow: string;
    /** The case's profile, kept by the subject for telling agencies when the window ends (absent from activities scheduled before). */
    profileId?: string;
    /** The profile's retention period (absent in activities scheduled before retention existed: the default profile's). */
    retention?: string;
  }): Promise<RepeatDecision & { subjectWorkflowId: string }>;

  /** Keeps the case's record (store/records) in step with its view; refused quietly when the store holds a later one. */
  recordCase(input: { workflowId: string; record: CaseRecord }): Promise<{ written: boolean }>;

  /**
   * Keeps a timeline entry of a case that its own workflow does not write (the subject's
   * `repeat.window-ended`, usually after the case has closed) in the store, where the case's timeline
   * reads it beside its history's entries. Nothing is kept without a store (a simulation).
   */
  recordRepeatWindowEnded(input: { caseId: string; entry: TimelineEntry & { type: 'repeat.window-ended' } }): Promise<{ written: boolean }>;

  /**
   * The profile and the agencies that took part in a case, from its record in the store: for a case
   * whose plan reached its subject before the plan carried them. Without a store (a simulation), none.
   */
  agenciesOfCase(input: { caseId: string }): Promise<{ profileId?: string; agencies: string[] }>;

  /** Keeps a dispute's record (store/records) in step with it, as recordCase does for a case. */
  recordDispute(input: { workflowId: string; record: DisputeRecord }): Promise<{ written: boolean }>;
}

/** What the retention workflow asks of the data-key store. */
export interface RetentionActivities {
  /**
   * Destroys the data keys of the subject and of each case, unless a case or the subject's own
   * workflow is still running, or a legal hold is in place on the subject or one of its cases:
   * then nothing is destroyed and the running workflows (`stillOpen`) or the holds (`held`) are named.
   * `held` is absent from answers given before legal holds existed.
   */
  destroyPersonalData(input: { subjectKey: string; caseIds: string[]; at: string }): Promise<{ destroyed: string[]; stillOpen: string[]; held?: string[] }>;
}
