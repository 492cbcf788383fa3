import { z } from 'zod';
import { actorSchema } from './actor';
import { caseCommandFields, type CaseCommandName } from './case-commands';
import { disputeActionSchemas, disputeIdSchema } from './dispute';
import { instantInputSchema } from './time';

/**
 * A scenario (CONTRACT.md §3): a piece of the protocol replayed on simulated time. Each step
 * names the case by `ref` and carries the fields of the action it takes; `actor` is optional
 * (a sensible default per action is used), so scenario files stay short.
 */
const base = { at: instantInputSchema, ref: z.string().min(1), actor: actorSchema.optional() };
const commandStep = <N extends CaseCommandName>(name: N) => caseCommandFields[name].extend({ ...base, do: z.literal(name) });

export const scenarioStepSchema = z.discriminatedUnion('do', [
  z.object({ ...base, do: z.literal('submitReferral'), referral: z.unknown(), profile: z.string().optional() }),
  commandStep('submitSummary'),
  commandStep('recordVictimContact'),
  commandStep('recordMeetingOutcome'),
  commandStep('updateAction'),
  commandStep('requestReview'),
  commandStep('recordQaDecision'),
  commandStep('recordReviewOutcome'),
  commandStep('changeRisk'),
  commandStep('raiseDispute'),
  commandStep('closeCase'),
  commandStep('recordDisclosureConsent'),
  commandStep('restrictCase'),
  commandStep('amendNeedToKnow'),
  commandStep('recordDvds'),
  commandStep('signOffDvds'),
  commandStep('recordDvpo'),
  commandStep('reportDvpoBreach'),
  commandStep('confirmRisk'),
  commandStep('recordChildrenCheck'),
  commandStep('referToMarac'),
  commandStep('recordMaracOutcome'),
  commandStep('recordFirstResponseDecision'),
  commandStep('recordHealthSharing'),
  commandStep('recordVictimTold'),
  commandStep('recordScreening'),
  commandStep('setRagRating'),
  commandStep('recordTriageResponse'),
  commandStep('conveneMashMeeting'),
  commandStep('recordMashDecision'),
  // Actions on a dispute go to the dispute's own workflow; `dispute` names it within the case.
  disputeActionSchemas.respond.omit({ actor: true }).extend({ ...base, do: z.literal('respondToDispute'), dispute: disputeIdSchema }),
  disputeActionSchemas.advance.omit({ actor: true }).extend({ ...base, do: z.literal('advanceDispute'), dispute: disputeIdSchema }),
  disputeActionSchemas.resolve.omit({ actor: true }).extend({ ...base, do: z.literal('resolveDispute'), dispute: disputeIdSchema }),
]);

export const disputeSteps = { respondToDispute: 'respond', advanceDispute: 'advance', resolveDispute: 'resolve' } as const;

export const scenarioSchema = z
  .object({
    profile: z.string().min(1).default('dorset-hrda'),
    startAt: instantInputSchema,
    until: instantInputSchema,
    // Case steps name their case by `ref`; meeting steps (client/meetings.ts) may not. Each step's
    // own fields are checked when it runs (a malformed step is rejected and the run goes on), but
    // its `at` is checked here: a step that cannot be placed in time cannot be run or rejected.
    steps: z.array(z.looseObject({ do: z.string(), at: instantInputSchema, ref: z.string().optional() })),
  })
  .superRefine((s, ctx) => {
    let last = s.startAt;
    s.steps.forEach((step, i) => {
      const at = Date.parse(step.at);
      // zod runs this check even when a step's `at` failed above; that step is already reported.
      if (Number.isNaN(at)) return;
      if (at < Date.parse(last)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'at'], message: `steps must not go backwards in time (${step.at} is before ${last})` });
      else last = new Date(at).toISOString();
    });
    if (Date.parse(s.until) < Date.parse(last)) ctx.addIssue({ code: 'custom', path: ['until'], message: 'until must not be before the last step' });
  });

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioStep = z.infer<typeof scenarioStepSchema>;
