// Loaded by path twice: bundled into the workflow sandbox, and `require()`d by the SDK in the worker
// and client processes, without TypeScript's help. So this file is plain JavaScript in a .ts file,
// and imports nothing but the SDK.
import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Failure messages and stack traces travel as an encoded attribute (a payload), so the payload
 * codec encrypts them like any other payload; the history shows "Encoded failure".
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
