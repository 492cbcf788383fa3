import type { FastifyInstance, FastifySchema } from 'fastify';
import type { RouteAccess } from './auth';

/**
 * Every route the API registers, as Fastify registers it, with who may call it (its
 * `config.access`). Collected by an onRoute hook installed before any route, so routes added
 * by plugins (the docs, the Web UI proxy) are listed too and none is missed: the security
 * suite sends every role to every entry here (test/security/role-route-matrix.test.ts) and
 * fails on any that declares no access.
 */
export interface CatalogueEntry {
  method: string;
  url: string;
  access: RouteAccess | undefined;
  schema: FastifySchema | undefined;
}

const catalogues = new WeakMap<FastifyInstance, CatalogueEntry[]>();

export function installRouteCatalogue(app: FastifyInstance): void {
  const entries: CatalogueEntry[] = [];
  catalogues.set(app, entries);
  app.addHook('onRoute', (route) => {
    // Read when asked, not now: a plugin scope's own onRoute hook (declarePublic) runs after this one.
    for (const method of [route.method].flat()) {
      entries.push({ method, url: route.url, get access() { return route.config?.access; }, schema: route.schema });
    }
  });
}

/** The routes of an app built by buildApi (client/api/server.ts), in the order they were registered. */
export function routesOf(app: FastifyInstance): readonly CatalogueEntry[] {
  const entries = catalogues.get(app);
  if (!entries) throw new Error('this app has no route catalogue: build it with buildApi');
  return entries;
}

/** Declares every route a plugin registers in `scope` public (its own routes cannot carry our config). */
export function declarePublic(scope: FastifyInstance): void {
  scope.addHook('onRoute', (route) => {
    route.config = { ...route.config, access: { public: true } };
  });
}
