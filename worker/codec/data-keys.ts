import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { PoolClient } from 'pg';
import { isStoreUnavailable } from '../../store/unavailable';
import type { Database } from '../../store/database';
import type { KeyRing } from './key-ring';

/**
 * Per-case data keys (crypto-shredding): each case's payloads are encrypted under a data key of its
 * own, which is kept wrapped by the key ring. Destroying the data key makes the case's personal data
 * unreadable everywhere a copy of its history went (the server, backups, exports, archives) at once.
 *
 * A scope is what a data key protects: `case:<caseId>` (a case and its disputes) or
 * `subject:<subject hash>` (the subject entity workflow). A scope may have several generations: a
 * case ID used again after its key was destroyed gets a new key, and nothing written under the old
 * one becomes readable again.
 */
export interface DataKeyStore {
  /**
   * The live key of a scope, created if it has none. After a destruction, a new generation is created
   * only with `renew` (a subject referred again after retention is new data about them); otherwise
   * the answer is the destroyed key.
   */
  current(scope: string, opts?: { renew?: boolean }): Promise<DataKey | DestroyedKey>;
  /** The key of one generation, to decrypt what was written under it. */
  get(scope: string, generation: number): Promise<DataKey | DestroyedKey>;
  /** Destroys every generation of a scope; returns when, and is idempotent. */
  destroy(scope: string, at: string, reason: string): Promise<DestroyedKey>;
  /**
   * Destroys several scopes in one transaction, unless `unless` — run first, inside that
   * transaction — names anything that forbids it (a legal hold: store/holds): then nothing is
   * destroyed and the answer names what did.
   */
  destroyAll(scopes: readonly string[], at: string, reason: string, unless?: DestructionGuard): Promise<{ destroyed: DestroyedKey[]; blockedBy: string[] }>;
  /** Whether a scope's latest key was destroyed, and when; undefined when it never had one. */
  status(scope: string): Promise<{ state: 'live'; generation: number } | DestroyedKey | undefined>;
}

/** What may stop a destruction, asked inside its transaction (so nothing can change in between). */
export type DestructionGuard = (tx: Pick<PoolClient, 'query'>) => Promise<readonly string[]>;

export interface DataKey {
  state: 'live';
  scope: string;
  generation: number;
  key: Buffer;
}

export interface DestroyedKey {
  state: 'destroyed';
  scope: string;
  generation: number;
  destroyedAt: string;
  reason: string;
}

/** A payload whose data key was destroyed at the end of its retention: its content is gone for good. */
export class PersonalDataDestroyedError extends Error {
  override name = 'PersonalDataDestroyedError';
  constructor(readonly scope: string, readonly destroyedAt: string) {
    super(`The personal data of ${scope} was destroyed on ${destroyedAt} (its data key no longer exists).`);
  }
}

/** A payload names a data key the store does not hold: written elsewhere, or a forged label. */
export class UnknownDataKeyError extends Error {
  override name = 'UnknownDataKeyError';
  constructor(readonly scope: string, readonly generation: number) {
    super(`No data key ${scope} generation ${generation} in the store: it is not the one these payloads were written with.`);
  }
}

/** Generations are numbered from 1 in an integer column (store/migrations/0003_shared-state.sql). */
export const maxGeneration = 2 ** 31 - 1;

/** Scopes name cases and subjects by their opaque IDs only. */
const scopePattern = /^(case|subject):[A-Za-z0-9._-]{1,128}$/;
export const isScope = (scope: string) => scopePattern.test(scope);

const wrapIvBytes = 12;
const tagBytes = 16;

/**
 * Keys (and tombstones) read recently: a live key for the store's `cacheMs`, a tombstone until it is
 * the least recently used of `maxCachedKeys` (a destroyed key stays destroyed). Bounded, so a
 * long-running worker does not hold the key of every case it ever met.
 */
export type DataKeyCache = LRUCache<string, DataKey | DestroyedKey>;
const maxCachedKeys = 10_000;
export const newDataKeyCache = (): DataKeyCache => new LRUCache({ max: maxCachedKeys });

/**
 * The store (tables data_keys and data_key_tombstones in PostgreSQL), shared by the worker, the API
 * and the CLI: one row per generation's key, wrapped by the key ring (AES-256-GCM, its scope and
 * generation as authenticated data), and once destroyed a tombstone (when and why) in its place.
 * Creation is `INSERT … ON CONFLICT DO NOTHING`, so a client and a worker that both meet a new case
 * at once end up with one key. Destruction writes the tombstones and deletes the keys in one
 * transaction. Other processes see a destruction within `cacheMs` (keys are cached briefly because
 * every payload needs one). A deployment that wants the keys in a KMS or an HSM puts the same port there.
 */
export class PostgresDataKeyStore implements DataKeyStore {
  private readonly cache: DataKeyCache;

  constructor(
    private readonly db: Database,
    private readonly ring: KeyRing,
    private readonly opts: {
      cacheMs?: number;
      now?: () => number;
      /**
       * How long a read or a key's creation waits out a store outage before failing (0: fail at
       * once). The worker's store waits (worker/codec/data-converter.ts): a payload it cannot decode
       * or encode for want of a key fails its task, and the SDK stops the whole worker when it cannot
       * encode the failure it reports either — so a minute's outage would otherwise kill the worker.
       * The API's store does not wait: it answers 503 with Retry-After at once.
       */
      waitForStoreMs?: number;
      /** Shared by every store of one process on one database, so that a key destroyed through one is gone for all at once. */
      cache?: DataKeyCache;
    } = {},
  ) {
    this.cache = opts.cache ?? newDataKeyCache();
  }

  /** Runs `attempt` again while the store is unavailable, backing off, until `waitForStoreMs` has passed. */
  private async waitingOutOutage<T>(attempt: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + (this.opts.waitForStoreMs ?? 0);
    for (let delay = 250; ; delay = Math.min(delay * 2, 5_000)) {
      try {
        return await attempt();
      } catch (err) {
        if (!isStoreUnavailable(err) || Date.now() + delay > deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  async current(scope: string, opts: { renew?: boolean } = {}): Promise<DataKey | DestroyedKey> {
    const cached = this.cache.get(`${scope}#current`);
    if (cached?.state === 'live') return cached;
    for (;;) {
      const latest = await this.latestGeneration(scope);
      if (latest !== undefined) {
        const found = await this.get(scope, latest);
        if (found.state === 'live') return this.remember(`${scope}#current`, found);
        if (!opts.renew) return found;
      }
      const created = await this.create(scope, (latest ?? 0) + 1);
      if (created) return this.remember(`${scope}#current`, created);
      // Another process created that generation first: read theirs.
    }
  }

  async get(scope: string, generation: number): Promise<DataKey | DestroyedKey> {
    const id = `${scope}#${generation}`;
    const cached = this.cache.get(id);
    if (cached) return cached;
    const { rows: [tombstone] } = await this.waitingOutOutage(() => this.db.query<{ destroyed_at: Date; reason: string }>(
      'SELECT destroyed_at, reason FROM data_key_tombstones WHERE scope = $1 AND generation = $2', [scope, generation],
    ));
    if (tombstone) return this.remember(id, { state: 'destroyed', scope, generation, destroyedAt: tombstone.destroyed_at.toISOString(), reason: tombstone.reason });
    const { rows: [stored] } = await this.waitingOutOutage(() => this.db.query<{ wrapped_by: string; wrapped: string }>(
      'SELECT wrapped_by, wrapped FROM data_keys WHERE scope = $1 AND generation = $2', [scope, generation],
    ));
    if (!stored) throw new UnknownDataKeyError(scope, generation);
    return this.remember(id, { state: 'live', scope, generation, key: this.unwrap(scope, generation, stored.wrapped_by, stored.wrapped) });
  }

  async destroy(scope: string, at: string, reason: string): Promise<DestroyedKey> {
    const { destroyed } = await this.destroyAll([scope], at, reason);
    return destroyed[0]!;
  }

  async destroyAll(scopes: readonly string[], at: string, reason: string, unless?: DestructionGuard): Promise<{ destroyed: DestroyedKey[]; blockedBy: string[] }> {
    scopes.forEach(assertScope);
    const client = await this.db.connect();
    const destroyed: DestroyedKey[] = [];
    try {
      await client.query('BEGIN');
      // The guard first: what it reads (a hold) cannot change until this transaction ends.
      const blockedBy = unless ? [...(await unless(client))] : [];
      if (blockedBy.length) {
        await client.query('ROLLBACK');
        return { destroyed: [], blockedBy };
      }
      for (const scope of [...new Set(scopes)].sort()) destroyed.push(await this.destroyIn(client, scope, at, reason));
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
    for (const id of [...this.cache.keys()]) if (scopes.some((scope) => id.startsWith(`${scope}#`))) this.cache.delete(id);
    return { destroyed, blockedBy: [] };
  }

  /** One scope's tombstones written and keys deleted, inside the caller's transaction. */
  private async destroyIn(client: PoolClient, scope: string, at: string, reason: string): Promise<DestroyedKey> {
    // One destruction of a scope at a time; a key created meanwhile waits for it.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`data-key:${scope}`]);
    const { rows } = await client.query<{ generation: number }>(
      'SELECT generation FROM data_keys WHERE scope = $1 UNION SELECT generation FROM data_key_tombstones WHERE scope = $1 ORDER BY generation', [scope],
    );
    // A scope that never had a key is retired all the same: its ID is never used again.
    const generations = rows.length ? rows.map((r) => r.generation) : [1];
    for (const generation of generations) {
      await client.query(
        'INSERT INTO data_key_tombstones (scope, generation, destroyed_at, reason) VALUES ($1, $2, $3, $4) ON CONFLICT (scope, generation) DO NOTHING',
        [scope, generation, at, reason],
      );
    }
    await client.query('DELETE FROM data_keys WHERE scope = $1', [scope]);
    const { rows: [last] } = await client.query<{ generation: number; destroyed_at: Date; reason: string }>(
      'SELECT generation, destroyed_at, reason FROM data_key_tombstones WHERE scope = $1 ORDER BY generation DESC LIMIT 1', [scope],
    );
    return { state: 'destroyed', scope, generation: last!.generation, destroyedAt: last!.destroyed_at.toISOString(), reason: last!.reason };
  }

  async status(scope: string): Promise<{ state: 'live'; generation: number } | DestroyedKey | undefined> {
    const latest = await this.latestGeneration(scope);
    if (latest === undefined) return undefined;
    const key = await this.get(scope, latest);
    return key.state === 'live' ? { state: 'live', generation: latest } : key;
  }

  private create(scope: string, generation: number): Promise<DataKey | undefined> {
    return this.waitingOutOutage(() => this.createOnce(scope, generation));
  }

  private async createOnce(scope: string, generation: number): Promise<DataKey | undefined> {
    assertScope(scope);
    const key = randomBytes(32);
    const client = await this.db.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`data-key:${scope}`]);
      // Destroyed meanwhile (that generation is a tombstone now): the caller reads again.
      const { rowCount: destroyed } = await client.query('SELECT 1 FROM data_key_tombstones WHERE scope = $1 AND generation >= $2', [scope, generation]);
      const inserted = destroyed ? { rowCount: 0 } : await client.query(
        'INSERT INTO data_keys (scope, generation, wrapped_by, wrapped, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (scope, generation) DO NOTHING',
        [scope, generation, this.ring.active.id, this.wrap(scope, generation, key), new Date(this.now()).toISOString()],
      );
      await client.query('COMMIT');
      return inserted.rowCount ? { state: 'live', scope, generation, key } : undefined;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  private wrap(scope: string, generation: number, key: Buffer): string {
    const iv = randomBytes(wrapIvBytes);
    const cipher = createCipheriv('aes-256-gcm', this.ring.active.key, iv, { authTagLength: tagBytes });
    cipher.setAAD(Buffer.from(`${scope}#${generation}`, 'utf8'));
    return Buffer.concat([iv, cipher.update(key), cipher.final(), cipher.getAuthTag()]).toString('base64');
  }

  private unwrap(scope: string, generation: number, wrappedBy: string, wrapped: string): Buffer {
    const data = Buffer.from(wrapped, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.ring.key(wrappedBy), data.subarray(0, wrapIvBytes), { authTagLength: tagBytes });
    decipher.setAAD(Buffer.from(`${scope}#${generation}`, 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - tagBytes));
    try {
      return Buffer.concat([decipher.update(data.subarray(wrapIvBytes, data.length - tagBytes)), decipher.final()]);
    } catch {
      throw new Error(`The data key ${scope} generation ${generation} failed authentication under ring key "${wrappedBy}": its row was altered.`);
    }
  }

  private async latestGeneration(scope: string): Promise<number | undefined> {
    const { rows: [row] } = await this.waitingOutOutage(() => this.db.query<{ latest: number | null }>(
      'SELECT max(generation) AS latest FROM (SELECT generation FROM data_keys WHERE scope = $1 UNION ALL SELECT generation FROM data_key_tombstones WHERE scope = $1) g', [scope],
    ));
    return row?.latest ?? undefined;
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }


  private remember<T extends DataKey | DestroyedKey>(id: string, value: T): T {
    // A live key is re-read now and then, to see a destruction made by another process; a tombstone never
    // expires (lru-cache's ttl 0). So a `cacheMs` of 0 means a live key is not cached at all, not kept for ever.
    // The ttl runs on lru-cache's clock (performance.now), not `opts.now`: the cache is shared by a database's stores.
    const ttl = this.opts.cacheMs ?? 30_000;
    if (value.state === 'destroyed') this.cache.set(id, value, { ttl: 0 });
    else if (ttl > 0) this.cache.set(id, value, { ttl });
    return value;
  }
}

function assertScope(scope: string): void {
  if (!isScope(scope)) throw new Error(`"${scope}" is not a data-key scope (case:<id> or subject:<id>).`);
}
