import type { FastifyReply } from 'fastify';
import type { ProblemKind } from './problem';

/**
 * The kind of problem each reply answered with, for the metrics of refused requests
 * (client/metrics/http.ts): a closed set (problemKinds), so it may be a label where the detail may not.
 */
const kinds = new WeakMap<FastifyReply, ProblemKind>();

export const noteProblemSent = (reply: FastifyReply, kind: ProblemKind): void => void kinds.set(reply, kind);

export const problemSentBy = (reply: FastifyReply): ProblemKind | undefined => kinds.get(reply);
