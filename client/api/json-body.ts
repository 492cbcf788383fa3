import type { FastifyInstance } from 'fastify';
import { ProblemError } from './problem';

/**
 * Request bodies: JSON objects within a budget. The whole body is capped (a referral with every
 * field at its maximum is well under it), and nesting is capped before JSON.parse builds
 * anything: a body nested ten thousand deep would otherwise exhaust the stack of whatever walks
 * it next (the idempotency fingerprint, the validator) and answer 500.
 */
export const maxBodyBytes = 256 * 1024;
export const maxJsonDepth = 32;

/** How deep a JSON text nests, counted without recursion; strings are skipped so brackets inside them do not count. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) max = Math.max(max, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/** Replaces Fastify's JSON parser with one that checks depth first, keeping its prototype-poisoning protection. */
export function installJsonBodies(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: maxBodyBytes }, (req, body, done) => {
    const text = body as string;
    if (jsonDepth(text) > maxJsonDepth) {
      done(new ProblemError('malformed-request', `The request body nests deeper than ${maxJsonDepth} levels.`, [{ path: '(body)', message: `at most ${maxJsonDepth} levels of nesting`, in: 'body' }]), undefined);
      return;
    }
    parse(req, text, done);
  });
}
