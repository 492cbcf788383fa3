import { z } from 'zod';

/**
 * Errors as `application/problem+json` (RFC 9457). `errors` lists every field at fault by its
 * dotted path; `detail` never carries personal data, and for server errors says nothing specific.
 */
export const problemContentType = 'application/problem+json';

export const fieldProblemSchema = z.object({
  path: z.string().meta({ description: 'Dotted path of the field at fault, e.g. "assessment.score" or "children.0.dateOfBirth".' }),
  message: z.string(),
  in: z.enum(['body', 'query', 'params', 'headers']).optional().meta({ description: 'Which part of the request holds the field.' }),
});
export type FieldProblem = z.infer<typeof fieldProblemSchema>;

export const problemSchema = z.object({
  type: z.string().meta({ description: 'A URI naming the kind of problem; "about:blank" when the status says it all.' }),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional().meta({ description: 'The request path the problem occurred on.' }),
  errors: z.array(fieldProblemSchema).optional(),
}).meta({ id: 'Problem', description: 'RFC 9457 problem details; errors lists each field at fault.' });
export type Problem = z.infer<typeof problemSchema>;

/** The kinds of problem this API reports, each with its status and a stable type URI. */
export const problemKinds = {
  'invalid-input': { status: 400, title: 'The request is not valid' },
  // A body that is not JSON, a URL that cannot be decoded, a framing Fastify refuses.
  'malformed-request': { status: 400, title: 'The request cannot be read' },
  'purpose-required': { status: 400, title: 'A stated purpose is required' },
  unauthenticated: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Not permitted' },
  'not-found': { status: 404, title: 'Not found' },
  refused: { status: 409, title: 'The case refused the action' },
  'idempotency-key-in-use': { status: 409, title: 'A request with this Idempotency-Key is still in progress' },
  'case-id-retired': { status: 410, title: 'The case ID belonged to a case whose personal data was destroyed' },
  'personal-data-destroyed': { status: 410, title: "The case's personal data was destroyed at the end of its retention" },
  'payload-too-large': { status: 413, title: 'The request body is too large' },
  'uri-too-long': { status: 414, title: 'The request path is too long' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  'idempotency-key-reused': { status: 422, title: 'The Idempotency-Key was used for a different request' },
  'not-implemented': { status: 501, title: 'The Temporal server this service runs on cannot do that' },
  'not-ready': { status: 503, title: 'The case is not ready yet' },
  'not-confirmed': { status: 503, title: 'The service did not confirm the submission in time' },
  unavailable: { status: 503, title: 'A service this API depends on is unavailable' },
  'store-unavailable': { status: 503, title: "The service's store is unavailable" },
  internal: { status: 500, title: 'Internal server error' },
} as const satisfies Record<string, { status: number; title: string }>;
export type ProblemKind = keyof typeof problemKinds;

export const problemType = (kind: ProblemKind) => `urn:hrda:problem:${kind}`;

export class ProblemError extends Error {
  override name = 'ProblemError';
  readonly status: number;
  constructor(
    readonly kind: ProblemKind,
    readonly detail?: string,
    readonly errors?: FieldProblem[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? problemKinds[kind].title);
    this.status = problemKinds[kind].status;
  }

  toProblem(instance: string): Problem {
    return {
      type: problemType(this.kind),
      title: problemKinds[this.kind].title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      instance,
      ...(this.errors?.length ? { errors: this.errors } : {}),
    };
  }
}

/** The same answer for a case that does not exist and one the caller may not know exists. */
export const caseNotFound = (caseId: string) => new ProblemError('not-found', `No case ${caseId} is visible to you.`);

/** OpenAPI response entries for the problems a route can answer with. */
export function problemResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: Object.values(problemKinds).filter((k) => k.status === status).map((k) => k.title).join('; ') || 'Problem',
        content: { [problemContentType]: { schema: problemSchema } },
      },
    ]),
  );
}
