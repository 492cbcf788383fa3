/** The bare workflow's activity: a round trip through Temporal that does nothing. */
export interface BareActivities {
  work(input: { n: number }): Promise<{ n: number }>;
}

export function createBareActivities(): BareActivities {
  return {
    async work(input) {
      return { n: input.n };
    },
  };
}
