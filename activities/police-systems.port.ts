import type { PoliceSystem } from '../domain/timeline';

/** A person the administrator checks on the police systems (victim, perpetrator, children). */
export interface NominalQuery {
  role: 'victim' | 'perpetrator' | 'child';
  name: string;
  dateOfBirth?: string;
}

export interface NominalRecord {
  /** The system's own reference, e.g. a Niche occurrence number. */
  reference: string;
  role: NominalQuery['role'];
  summary: string;
}

/** Niche, PND and PNC behind one port: each system is searched on its own. */
export interface PoliceSystems {
  search(system: PoliceSystem, people: NominalQuery[]): Promise<NominalRecord[]>;
}
