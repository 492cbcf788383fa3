import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/**
 * The span attributes that may leave the process: identifiers the service makes (workflow, run,
 * update and activity IDs, which carry no personal data by construction) and HTTP facts from closed
 * sets (method, route template, status). Everything else — a terminate reason, an exception's
 * message, whatever a future SDK adds — is dropped before export: a span is never a way out for
 * what a case holds.
 */
const allowedAttributes = new Set([
  'temporalWorkflowId', 'temporalRunId', 'temporalUpdateId', 'temporalActivityId',
  'http.request.method', 'http.route', 'http.response.status_code',
]);

const allowedEventAttributes = new Set(['exception.type']);

function redacted(span: ReadableSpan): ReadableSpan {
  const attributes = Object.fromEntries(Object.entries(span.attributes).filter(([key]) => allowedAttributes.has(key)));
  // An exception event keeps its type; its message and stack may quote input.
  const events = span.events.map((e) => ({
    ...e,
    attributes: Object.fromEntries(Object.entries(e.attributes ?? {}).filter(([key]) => allowedEventAttributes.has(key))),
  }));
  const status = { code: span.status.code };
  return new Proxy(span, {
    get(target, property, receiver) {
      if (property === 'attributes') return attributes;
      if (property === 'events') return events;
      if (property === 'status') return status;
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** An exporter that sends spans on with only the allowed attributes (`allowedAttributes`). */
export class RedactingExporter implements SpanExporter {
  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans.map(redacted), resultCallback);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
