import type { Profile } from '../profile';
import { dorsetHrda } from './dorset-hrda';
import { kirkleesDrammMarac } from './kirklees-dramm-marac';
import { traffordMarac } from './trafford-marac';
import { warwickshireMash } from './warwickshire-mash';

export const profiles: Readonly<Record<string, Profile>> = {
  [dorsetHrda.id]: dorsetHrda,
  [traffordMarac.id]: traffordMarac,
  [warwickshireMash.id]: warwickshireMash,
  [kirkleesDrammMarac.id]: kirkleesDrammMarac,
};
export const defaultProfileId = dorsetHrda.id;

/** Own properties only: "__proto__", "constructor" or "toString" name no profile. */
export const isProfileId = (id: unknown): id is string => typeof id === 'string' && Object.hasOwn(profiles, id);

export function getProfile(id: string): Profile {
  const profile = isProfileId(id) ? profiles[id] : undefined;
  if (!profile) throw new Error(`Unknown profile "${id}"; known profiles: ${Object.keys(profiles).join(', ')}`);
  return profile;
}
