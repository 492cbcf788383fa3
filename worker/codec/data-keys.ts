import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
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
  /** Whether a scope's latest key was destroyed, and when; undefined when it never had one. */
  status(scope: string): Promise<{ state: 'live'; generation: number } | DestroyedKey | undefined>;
}

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

/** Scopes name cases and subjects by their opaque IDs only. */
const scopePattern = /^(case|subject):[A-Za-z0-9._-]{1,128}$/;
export const isScope = (scope: string) => scopePattern.test(scope);

const wrapIvBytes = 12;
const tagBytes = 16;

interface KeyFile {
  scope: string;
  generation: number;
  /** The ring key that wraps it. */
  wrappedBy: string;
  /** IV ‖ AES-256-GCM(data key) ‖ tag, base64; the scope and generation are its authenticated data. */
  wrapped: string;
  createdAt: string;
}

interface TombstoneFile {
  scope: string;
  generation: number;
  destroyedAt: string;
  reason: string;
}

/**
 * The local adapter (the embedded default): a folder per scope, one file per generation's wrapped
 * key, and a tombstone once destroyed. Creation is exclusive (`wx`), so a client and a worker that
 * both meet a new case at once end up with one key. Other processes see a destruction within
 * `cacheMs` (keys are cached briefly because every payload needs one). In production the same port
 * sits on a KMS or an HSM-backed store, where destroying a key is an audited operation.
 */
export class LocalDataKeyStore implements DataKeyStore {
  private readonly cache = new Map<string, { value: DataKey | DestroyedKey; until: number }>();

  constructor(
    private readonly dir: string,
    private readonly ring: KeyRing,
    private readonly opts: { cacheMs?: number; now?: () => number } = {},
  ) {}

  async current(scope: string, opts: { renew?: boolean } = {}): Promise<DataKey | DestroyedKey> {
    const cached = this.cached(`${scope}#current`);
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
    const cached = this.cached(id);
    if (cached) return cached;
    const tombstone = await readJson<TombstoneFile>(this.file(scope, generation, 'destroyed'));
    if (tombstone) return this.remember(id, { state: 'destroyed', ...tombstone });
    const stored = await readJson<KeyFile>(this.file(scope, generation, 'key'));
    if (!stored) throw new Error(`No data key ${scope} generation ${generation} in ${this.dir}: the store is not the one these payloads were written with.`);
    return this.remember(id, { state: 'live', scope, generation, key: this.unwrap(stored) });
  }

  async destroy(scope: string, at: string, reason: string): Promise<DestroyedKey> {
    assertScope(scope);
    const generations = await this.generations(scope);
    if (generations.length === 0) await mkdir(this.scopeDir(scope), { recursive: true });
    const latest = generations.at(-1) ?? 1;
    let result: DestroyedKey | undefined;
    for (const generation of generations.length ? generations : [latest]) {
      const existing = await readJson<TombstoneFile>(this.file(scope, generation, 'destroyed'));
      const tombstone: TombstoneFile = existing ?? { scope, generation, destroyedAt: at, reason };
      if (!existing) await atomicWrite(this.file(scope, generation, 'destroyed'), JSON.stringify(tombstone));
      // The wrapped key goes after the tombstone is durable: a crash in between leaves a destroyed,
      // not a readable, generation.
      await rm(this.file(scope, generation, 'key'), { force: true });
      this.cache.delete(`${scope}#${generation}`);
      result = { state: 'destroyed', ...tombstone };
    }
    this.cache.delete(`${scope}#current`);
    return result!;
  }

  async status(scope: string): Promise<{ state: 'live'; generation: number } | DestroyedKey | undefined> {
    const latest = await this.latestGeneration(scope);
    if (latest === undefined) return undefined;
    const key = await this.get(scope, latest);
    return key.state === 'live' ? { state: 'live', generation: latest } : key;
  }

  private async create(scope: string, generation: number): Promise<DataKey | undefined> {
    assertScope(scope);
    await mkdir(this.scopeDir(scope), { recursive: true });
    const key = randomBytes(32);
    const file: KeyFile = { scope, generation, wrappedBy: this.ring.active.id, wrapped: this.wrap(scope, generation, key), createdAt: new Date(this.now()).toISOString() };
    try {
      await writeFile(this.file(scope, generation, 'key'), JSON.stringify(file), { flag: 'wx', mode: 0o600 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
      throw err;
    }
    return { state: 'live', scope, generation, key };
  }

  private wrap(scope: string, generation: number, key: Buffer): string {
    const iv = randomBytes(wrapIvBytes);
    const cipher = createCipheriv('aes-256-gcm', this.ring.active.key, iv, { authTagLength: tagBytes });
    cipher.setAAD(Buffer.from(`${scope}#${generation}`, 'utf8'));
    return Buffer.concat([iv, cipher.update(key), cipher.final(), cipher.getAuthTag()]).toString('base64');
  }

  private unwrap(file: KeyFile): Buffer {
    const data = Buffer.from(file.wrapped, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.ring.key(file.wrappedBy), data.subarray(0, wrapIvBytes), { authTagLength: tagBytes });
    decipher.setAAD(Buffer.from(`${file.scope}#${file.generation}`, 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - tagBytes));
    try {
      return Buffer.concat([decipher.update(data.subarray(wrapIvBytes, data.length - tagBytes)), decipher.final()]);
    } catch {
      throw new Error(`The data key ${file.scope} generation ${file.generation} failed authentication under ring key "${file.wrappedBy}": the file was altered.`);
    }
  }

  private async generations(scope: string): Promise<number[]> {
    const names = await readdir(this.scopeDir(scope)).catch(() => [] as string[]);
    const found = new Set(names.map((n) => /^(\d+)\.(key|destroyed)$/.exec(n)?.[1]).filter((g): g is string => g !== undefined).map(Number));
    return [...found].sort((a, b) => a - b);
  }

  private async latestGeneration(scope: string): Promise<number | undefined> {
    return (await this.generations(scope)).at(-1);
  }

  private scopeDir(scope: string): string {
    assertScope(scope);
    return path.join(this.dir, scope.replace(':', '_'));
  }

  private file(scope: string, generation: number, kind: 'key' | 'destroyed'): string {
    return path.join(this.scopeDir(scope), `${generation}.${kind}`);
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  private cached(id: string): DataKey | DestroyedKey | undefined {
    const hit = this.cache.get(id);
    if (!hit) return undefined;
    // A destroyed key stays destroyed; a live one is re-read now and then, to see a destruction
    // made by another process.
    if (hit.value.state === 'destroyed' || hit.until > this.now()) return hit.value;
    this.cache.delete(id);
    return undefined;
  }

  private remember<T extends DataKey | DestroyedKey>(id: string, value: T): T {
    this.cache.set(id, { value, until: this.now() + (this.opts.cacheMs ?? 30_000) });
    return value;
  }
}

function assertScope(scope: string): void {
  if (!isScope(scope)) throw new Error(`"${scope}" is not a data-key scope (case:<id> or subject:<id>).`);
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function atomicWrite(file: string, content: string): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, content, { mode: 0o600 });
  await rename(tmp, file);
}
