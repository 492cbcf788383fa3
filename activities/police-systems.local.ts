import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { PoliceSystem } from '../domain/timeline';
import type { NominalQuery, NominalRecord, PoliceSystems } from './police-systems.port';

export const defaultNominalRecordsFile = fileURLToPath(new URL('./fixtures/nominal-records.json', import.meta.url));

const entrySchema = z.object({ reference: z.string().min(1), summary: z.string().min(1) });
const fixtureSchema = z.object({
  people: z.array(z.object({
    name: z.string().min(1),
    dateOfBirth: z.iso.date().optional(),
    records: z.object({ niche: z.array(entrySchema), pnd: z.array(entrySchema), pnc: z.array(entrySchema) }),
  })),
});
type FixturePerson = z.infer<typeof fixtureSchema>['people'][number];

/** Names are typed by hand on referrals: case and spacing must not hide a record. */
export function normaliseName(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('en-GB');
}

function matches(person: FixturePerson, query: NominalQuery): boolean {
  if (normaliseName(person.name) !== normaliseName(query.name)) return false;
  // Two people can share a name: a known date of birth on both sides must agree.
  return !query.dateOfBirth || !person.dateOfBirth || person.dateOfBirth === query.dateOfBirth;
}

/**
 * The embedded default for Niche, PND and PNC: fictional nominal records read from a JSON file.
 * The file is read on the first search, not at construction, so a worker starts without it.
 */
export class LocalPoliceSystems implements PoliceSystems {
  private people: Promise<FixturePerson[]> | undefined;

  constructor(private readonly file: string = defaultNominalRecordsFile) {}

  async search(system: PoliceSystem, people: NominalQuery[]): Promise<NominalRecord[]> {
    const known = await this.load();
    const found = new Map<string, NominalRecord>();
    for (const query of people) {
      for (const person of known.filter((p) => matches(p, query))) {
        for (const entry of person.records[system]) {
          found.set(`${query.role}\u0000${entry.reference}`, { reference: entry.reference, role: query.role, summary: entry.summary });
        }
      }
    }
    return [...found.values()];
  }

  private load(): Promise<FixturePerson[]> {
    this.people ??= readFixture(this.file).catch((error: unknown) => {
      // Forget the failure so the activity's retry reads the file again.
      this.people = undefined;
      throw error;
    });
    return this.people;
  }
}

async function readFixture(file: string): Promise<FixturePerson[]> {
  const text = await readFile(file, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // V8's message quotes the text around the fault, which may be a name.
    throw new Error(`Nominal-records file ${file} is not JSON. Fix the file and retry.`);
  }
  const parsed = fixtureSchema.safeParse(json);
  if (!parsed.success) {
    // Issue paths and messages only: zod does not echo the input, so no name reaches the error.
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`Nominal-records file ${file} is not valid: ${issues}. Fix the file and retry.`);
  }
  return parsed.data.people;
}
