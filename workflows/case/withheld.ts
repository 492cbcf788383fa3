import { ActivityFailure, ApplicationFailure, log } from '@temporalio/workflow';
import { recipientWithheldType } from '../../domain/perpetrator-safety';

/**
 * A message the mail guard refused is not an error of the workflow: the activity has already told
 * the case (its `notificationWithheld` signal puts it on the timeline and tells the administrator).
 * Any other failure is left as it was.
 */
export function unlessWithheld(sending: Promise<unknown>, notificationId: string): Promise<unknown> {
  return sending.catch((err: unknown) => {
    if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === recipientWithheldType) {
      log.warn('Message withheld by the perpetrator-safety guard', { notificationId });
      return undefined;
    }
    throw err;
  });
}
