import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { NodeTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { createOutboundFetch } from '../../src/outbound/outbound-fetch.js';
import { outboundPolicy } from '../../src/outbound/address-policy.js';
import { traceOutbound } from '../../src/tracing/outbound-spans.js';
import { tracingWanted } from '../../src/tracing/start-tracing.js';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
const tracer = provider.getTracer('test');

let server: Server;
let origin: string;
before(async () => {
  server = createServer((req, res) => res.writeHead(req.url?.startsWith('/missing') ? 404 : 200).end('{"keys":[]}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
after(() => server.close());

describe('outbound fetch spans', () => {
  const fetch = traceOutbound(
    createOutboundFetch({
      policy: outboundPolicy({ dev: false, outbound: { allowedHosts: ['127.0.0.1'] } }),
      timeoutMs: 5000,
      maxBytes: 65536,
    }),
    tracer,
  );

  it('a CLIENT span per request, a child of the active span, without the query string', async () => {
    exporter.reset();
    await tracer.startActiveSpan('POST /token', async (parent) => {
      assert.equal((await fetch(`${origin}/jwks?secret=x`)).status, 200);
      parent.end();
    });
    const [child, parent] = exporter.getFinishedSpans();
    assert.equal(child.name, 'GET');
    assert.equal(child.kind, SpanKind.CLIENT);
    assert.equal(child.parentSpanContext?.spanId, parent.spanContext().spanId);
    assert.equal(child.attributes['url.full'], `${origin}/jwks`);
    assert.equal(child.attributes['http.response.status_code'], 200);
  });

  it('an error answer or a refused request marks the span as an error', async () => {
    exporter.reset();
    assert.equal((await fetch(`${origin}/missing`, { method: 'POST', body: 'x' })).status, 404);
    await assert.rejects(fetch('http://10.0.0.1/jwks'));
    const [missing, refused] = exporter.getFinishedSpans();
    assert.equal(missing.name, 'POST');
    assert.equal(missing.status.code, SpanStatusCode.ERROR);
    assert.equal(refused.status.code, SpanStatusCode.ERROR);
  });
});

describe('tracing off costs nothing', () => {
  it('is on with tracing.enabled or an OTLP endpoint, off otherwise or with OTEL_SDK_DISABLED', () => {
    assert.equal(tracingWanted(false, {}), false);
    assert.equal(tracingWanted(true, {}), true);
    assert.equal(tracingWanted(false, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }), true);
    assert.equal(tracingWanted(false, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }), true);
    assert.equal(tracingWanted(true, { OTEL_SDK_DISABLED: 'true' }), false);
  });

  it('the SDK is imported in one place, dynamically, so a server without tracing never loads it', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
    const importers = files('src').filter((file) =>
      /@opentelemetry\/(sdk-|exporter-|resources)/.test(readFileSync(file, 'utf8').replace(/^\s*(\/\/|\*).*$/gm, '')),
    );
    assert.deepEqual(importers, [join('src', 'tracing', 'start-tracing.ts')]);
    const source = readFileSync(importers[0], 'utf8');
    assert.doesNotMatch(source, /^import (?!type).*@opentelemetry\/(sdk-|exporter-|resources)/m);
    assert.match(source, /await Promise\.all\(\[\s*import\('@opentelemetry\/sdk-trace-node'\)/);
  });
});
