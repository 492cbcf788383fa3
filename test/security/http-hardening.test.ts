import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOfflineApi, type OfflineApi } from '../support/offline-api';
import { as, tokenFor } from '../api/harness';

/**
 * Finding (medium): no rate limit, no security headers, no `Cache-Control: no-store` on case
 * data, no trustProxy (so client addresses and TLS behind a proxy were unknown), and `/health`
 * echoed the error text of whatever failed.
 */
let api: OfflineApi;
let limited: OfflineApi;
let proxied: OfflineApi;
beforeAll(async () => {
  [api, limited, proxied] = await Promise.all([
    startOfflineApi(),
    startOfflineApi({ env: { HRDA_RATE_LIMIT_PER_MINUTE: '3' } }),
    startOfflineApi({ env: { HRDA_RATE_LIMIT_PER_MINUTE: '2', HRDA_TRUST_PROXY: '127.0.0.1' } }),
  ]);
});
afterAll(() => Promise.all([api?.stop(), limited?.stop(), proxied?.stop()]));

const auditor = as('auditor');

describe('HTTP hardening', () => {
  it('sends security headers and no-store on case data, errors included', async () => {
    for (const res of [
      await api.app.inject({ method: 'GET', url: '/access-log', headers: auditor }),
      await api.app.inject({ method: 'GET', url: '/cases/some-case', headers: auditor }),
      await api.app.inject({ method: 'GET', url: '/cases/some-case' }),
    ]) {
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(String(res.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('still serves the interactive docs under its policy', async () => {
    const page = await api.app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
  });

  it('limits requests per principal with a problem+json 429 and Retry-After; another principal is not affected', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await limited.app.inject({ method: 'GET', url: '/access-log', headers: auditor })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await limited.app.inject({ method: 'GET', url: '/access-log', headers: auditor });
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.json()).toMatchObject({ type: 'urn:hrda:problem:rate-limited', status: 429 });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    const other = await limited.app.inject({ method: 'GET', url: '/access-log', headers: { authorization: `Bearer ${tokenFor('auditor', undefined, 'another-auditor')}` } });
    expect(other.statusCode).toBe(200);
  });

  it('believes X-Forwarded-For only from a trusted proxy: clients behind it are limited one by one', async () => {
    const health = (forwardedFor: string) => proxied.app.inject({ method: 'GET', url: '/health', headers: { 'x-forwarded-for': forwardedFor }, remoteAddress: '127.0.0.1' });
    expect([(await health('10.0.0.1')).statusCode, (await health('10.0.0.1')).statusCode, (await health('10.0.0.1')).statusCode]).toEqual([503, 503, 429]);
    expect((await health('10.0.0.2')).statusCode).toBe(503);
  });

  it('/health says what is down without echoing the error', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'degraded', temporal: 'unreachable' });
    expect(res.body).not.toContain('Alex Example');
    expect(res.body).not.toContain('failed');
  });
});
