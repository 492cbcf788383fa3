import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOfflineApi, type OfflineApi } from '../support/offline-api';

/**
 * Finding (high): input sizes were unbounded — a 20,000-child referral left its case failing
 * workflow tasks, and 57 resubmitted summaries pushed a history past Temporal's limit. Every
 * string and array a client can send has a maximum: checked here on the OpenAPI document, which
 * is generated from the very schemas that validate requests, so no route can be missed.
 */
type JsonSchema = {
  type?: string | string[]; enum?: unknown[]; const?: unknown; format?: string; maxLength?: number; maxItems?: number; pattern?: string;
  properties?: Record<string, JsonSchema>; items?: JsonSchema | JsonSchema[]; prefixItems?: JsonSchema[];
  anyOf?: JsonSchema[]; oneOf?: JsonSchema[]; allOf?: JsonSchema[]; additionalProperties?: JsonSchema | boolean; $ref?: string;
};
type OpenApi = { paths: Record<string, Record<string, { parameters?: { in: string; name: string; schema: JsonSchema }[]; requestBody?: { content: Record<string, { schema: JsonSchema }> } }>>; components: { schemas: Record<string, JsonSchema> } };

// Not free text: machine formats whose grammar bounds them.
const boundedFormats = new Set(['date', 'date-time', 'time', 'uuid']);

function unbounded(schema: JsonSchema, where: string, doc: OpenApi, seen = new Set<string>()): string[] {
  if (schema.$ref) {
    if (seen.has(schema.$ref)) return [];
    const name = schema.$ref.split('/').pop()!;
    return unbounded(doc.components.schemas[name]!, where, doc, new Set([...seen, schema.$ref]));
  }
  const found: string[] = [];
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.includes('string') && schema.enum === undefined && schema.const === undefined && schema.maxLength === undefined && !boundedFormats.has(schema.format ?? '')) {
    found.push(`${where}: string without maxLength`);
  }
  if (types.includes('array') && schema.maxItems === undefined && !schema.prefixItems) found.push(`${where}: array without maxItems`);
  for (const [k, v] of Object.entries(schema.properties ?? {})) found.push(...unbounded(v, `${where}.${k}`, doc, seen));
  if (schema.items && !Array.isArray(schema.items)) found.push(...unbounded(schema.items, `${where}[]`, doc, seen));
  for (const s of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? []), ...(schema.prefixItems ?? [])]) found.push(...unbounded(s, where, doc, seen));
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') found.push(...unbounded(schema.additionalProperties, `${where}.*`, doc, seen));
  return found;
}

let api: OfflineApi;
beforeAll(async () => {
  api = await startOfflineApi();
});
afterAll(() => api?.stop());

describe('bounded input', () => {
  it('every string and array of every request body, query and header has a maximum', async () => {
    const doc = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json<OpenApi>();
    const problems: string[] = [];
    for (const [route, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        for (const p of op.parameters ?? []) problems.push(...unbounded(p.schema, `${method.toUpperCase()} ${route} ${p.in} ${p.name}`, doc));
        const body = op.requestBody?.content['application/json']?.schema;
        if (body) problems.push(...unbounded(body, `${method.toUpperCase()} ${route} body`, doc));
      }
    }
    expect(problems).toEqual([]);
  });
});
