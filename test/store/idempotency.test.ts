import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdempotencyStore, type StoredResponse } from '../../client/api/idempotency';
import { developmentKeyRing, EncryptionCodec } from '../../worker/codec';
import { createTestDatabase, type TestDatabase } from '../support/database';

/** The idempotency records on real PostgreSQL: what two API processes sharing the store see. */
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const codec = new EncryptionCodec(developmentKeyRing());
const response = (payload: string): StoredResponse => ({ status: 200, headers: { 'content-type': 'application/json' }, payload, disclosure: null });

describe('idempotency records in the store', () => {
  it('replays a completed write to any process, refuses the key for another request, and lets a failed one be retried', async () => {
    const one = new IdempotencyStore(database.db, codec);
    const two = new IdempotencyStore(database.db, codec);
    const scope = IdempotencyStore.scopeOf('jo', 'key-0001');
    expect(await one.begin(scope, 'f1')).toEqual({ kind: 'new' });
    expect(await two.begin(scope, 'f1')).toEqual({ kind: 'in-progress' });
    expect(await two.begin(scope, 'f2')).toEqual({ kind: 'mismatch' });
    await one.complete(scope, 'f1', response('{"first":true}'));
    expect(await two.begin(scope, 'f1')).toEqual({ kind: 'replay', response: response('{"first":true}') });
    expect(await two.begin(scope, 'f2')).toEqual({ kind: 'mismatch' });

    const other = IdempotencyStore.scopeOf('jo', 'key-0002');
    expect(await one.begin(other, 'f1')).toEqual({ kind: 'new' });
    await one.abandon(other, 'f1');
    expect(await two.begin(other, 'f1')).toEqual({ kind: 'new' });
  });

  it('keeps neither the key nor the body in clear', async () => {
    const store = new IdempotencyStore(database.db, codec);
    const scope = IdempotencyStore.scopeOf('sam', 'secret-key-0003');
    await store.begin(scope, 'f');
    await store.complete(scope, 'f', response('{"name":"Alex Example"}'));
    const { rows } = await database.db.query<{ row: string }>('SELECT row_to_json(r)::text AS row FROM idempotency_records r');
    const dump = rows.map((r) => r.row).join('\n');
    expect(dump).not.toContain('secret-key-0003');
    expect(dump).not.toContain('Alex Example');
    expect(dump).not.toContain(Buffer.from('Alex Example').toString('base64'));
  });

  it('of many concurrent claims of one key exactly one wins', async () => {
    const stores = Array.from({ length: 8 }, () => new IdempotencyStore(database.db, codec));
    const scope = IdempotencyStore.scopeOf('jo', 'key-race');
    const answers = await Promise.all(stores.map((s) => s.begin(scope, 'f')));
    expect(answers.filter((a) => a.kind === 'new')).toHaveLength(1);
    expect(answers.filter((a) => a.kind === 'in-progress')).toHaveLength(7);
  });

  it('takes over a claim whose process died, after its lease, and forgets records past their time', async () => {
    const store = new IdempotencyStore(database.db, codec, { leaseMs: 200, ttlMs: 400 });
    const scope = IdempotencyStore.scopeOf('jo', 'key-lease');
    expect(await store.begin(scope, 'f')).toEqual({ kind: 'new' });
    expect(await store.begin(scope, 'f')).toEqual({ kind: 'in-progress' });
    await new Promise((r) => setTimeout(r, 300));
    // Another request would still be refused; the same one takes the claim over.
    expect(await store.begin(scope, 'g')).toEqual({ kind: 'mismatch' });
    expect(await store.begin(scope, 'f')).toEqual({ kind: 'new' });
    await store.complete(scope, 'f', response('{}'));
    await new Promise((r) => setTimeout(r, 500));
    expect(await store.begin(scope, 'g')).toEqual({ kind: 'new' });
    expect(await store.sweep()).toBe(0);
  });
});
