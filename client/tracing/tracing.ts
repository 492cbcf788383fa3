import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import type { Config } from '../../domain/config';
import { RedactingExporter } from './redaction';

/**
 * OpenTelemetry tracing of the service: an API request, the workflow start or update it sends, the
 * workflow's handling of it and the activities it runs, in one trace — the Temporal SDK's interceptors
 * (@temporalio/interceptors-opentelemetry) carry the context through Temporal's headers. Off unless
 * HRDA_OTEL_EXPORTER_OTLP_ENDPOINT is set: then nothing is installed, no header is added, no span is made.
 * Every span passes RedactingExporter on its way out.
 */
export interface Tracing {
  tracer: Tracer;
  /** Where the worker's sink hands the workflow's spans (they are made inside the sandbox). */
  spanProcessor: SpanProcessor;
  resource: Resource;
  shutdown(): Promise<void>;
}

/**
 * Installs a tracer provider for this process (global, as the interceptors read it) exporting through
 * `exporter`; `immediate` exports each span as it ends (tests), else in batches.
 */
export function startTracing(opts: { serviceName: string; exporter: SpanExporter; immediate?: boolean }): Tracing {
  const resource = new Resource({ 'service.name': opts.serviceName });
  const exporter = new RedactingExporter(opts.exporter);
  const spanProcessor = opts.immediate ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter);
  const provider = new BasicTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // Active spans follow async calls (a Fastify handler's awaits), and travel between processes as W3C trace context.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return {
    tracer: provider.getTracer('hrda'),
    spanProcessor,
    resource,
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

/** The process's tracing from the configuration: an OTLP/HTTP exporter to HRDA_OTEL_EXPORTER_OTLP_ENDPOINT, or none. */
export function tracingFromConfig(config: Config, serviceName: string): Tracing | undefined {
  const endpoint = config.HRDA_OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return undefined;
  return startTracing({ serviceName, exporter: new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` }) });
}

/** The Temporal client's interceptors that put the active trace context into the headers of a start or an update. */
export const tracingClientInterceptors = () => ({ workflow: [new OpenTelemetryWorkflowClientInterceptor()] });
