import { z } from 'zod';
import { riskSchema, referralSchema } from '../../domain/referral';
import { lawfulBasisSchema, sharingDecidedAtSchema, sharingDeciderSchema } from '../../domain/sharing-without-consent';
import { strictInput } from '../../domain/strict-input';
import { routeSchema, timelineEntrySchema } from '../../domain/timeline';
import { caseStages } from '../../machines/referral';
import { accessLogEntrySchema } from './access-log';
import { caseListSchema, profileIdSchema } from './case-list';
import { caseSkeletonSchema, redactedTimelineEntrySchema } from './redaction';

/**
 * The API's named components in the OpenAPI document. Request bodies are the domain's own schemas
 * (domain/referral.ts, domain/case-commands.ts); responses are serialized as the case reports
 * them, and documented here.
 */
/** An OpenAPI response entry with its description (a bare schema would be "Default Response"). */
export const jsonResponse = <S extends z.ZodType>(schema: S, description: string) => ({ description, content: { 'application/json': { schema } } });

export const caseIdSchema = z.string().max(128).regex(/^[A-Za-z0-9._-]{1,128}$/, 'a case ID as returned by POST /cases');

/** Strict, as validateReferral checks it: a field the contract does not define is refused (domain/strict-input.ts). */
export const referralSubmissionSchema = strictInput(referralSchema
  .safeExtend({ profile: profileIdSchema.optional().meta({ description: 'The local protocol to run; the default profile when absent (also accepted as ?profile=).' }) }))
  .meta({ id: 'ReferralSubmission', description: 'A referral (docs/contract.md §1).' });

export const caseViewSchema = z
  .looseObject({
    caseId: z.string(),
    profile: z.string(),
    stage: z.enum(caseStages),
    risk: riskSchema,
    route: routeSchema.nullable(),
    receivedAt: z.string(),
    referral: referralSchema,
    nextDeadline: z.string().nullable(),
    restricted: z.boolean().optional().meta({ description: 'Present (true) only on a restricted case: read in full only by the need-to-know list in `needToKnow` (staff references); `restriction` says since when, why and by whom.' }),
    needToKnow: z.array(z.string()).optional(),
    sharingWithoutConsent: z.object({ basis: lawfulBasisSchema, decidedBy: sharingDeciderSchema, decidedAt: sharingDecidedAtSchema, at: z.string() }).optional()
      .meta({ description: "Present only on a case shared without the victim's consent: the latest lawful basis recorded, who decided, and whether on the referral or when the victim was told ([001])." }),
  })
  .meta({ id: 'CaseView', description: 'The case as the workflow reports it (query `state`, machines/referral/public-state.ts); fields are added over time.' });

export const caseSkeletonComponent = caseSkeletonSchema.meta({ id: 'CaseSkeleton', description: 'The case without personal data: what the ops role sees, and chairs of a restricted case whose need-to-know list they are not on.' });

export const caseReadSchema = z.union([caseViewSchema, caseSkeletonComponent]);

export const caseWriteResultSchema = z.object({
  caseId: z.string(),
  case: z.union([caseViewSchema, caseSkeletonComponent]).meta({ description: 'The case after the action; its skeleton when the caller is not on a restricted case\'s need-to-know list (a chair amending it).' }),
}).meta({ id: 'CaseWriteResult' });

export const timelineSchema = z
  .union([z.array(timelineEntrySchema), z.array(redactedTimelineEntrySchema)])
  .meta({ description: 'The case told in the protocol\'s words (docs/contract.md §2); more entry types and fields may appear. For ops, rationales, names and free text are left out.' });

export const caseListComponent = caseListSchema.meta({ id: 'CaseList' });
export const accessLogComponent = z.object({ items: z.array(accessLogEntrySchema) }).meta({ id: 'AccessLog' });
