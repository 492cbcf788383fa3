// A profile that continues a case as new after 100 history events (the schema's minimum), so a
// test can follow a case across runs in a few dozen steps. Importing this module registers it,
// in the test process and, through short-history-entry.ts, inside the workflow bundle.
import type { Profile } from '../../domain/profile';
import { profiles } from '../../domain/profiles';
import { dorsetHrda } from '../../domain/profiles/dorset-hrda';

export const shortHistoryProfileId = 'dorset-hrda-short-history';

(profiles as Record<string, Profile>)[shortHistoryProfileId] = { ...dorsetHrda, id: shortHistoryProfileId, workflow: { continueAsNewAfterEvents: 100 } };
