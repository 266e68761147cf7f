import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/test-provider.js';

/** A span as OTLP/HTTP JSON carries it (ids in hex; kind 2 = SERVER, 3 = CLIENT). */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: { stringValue?: string; intValue?: number | string } }[];
}
interface OtlpExport {
  resourceSpans: { resource: { attributes: OtlpSpan['attributes'] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
}

const attribute = (attributes: OtlpSpan['attributes'], key: string) => {
  const value = attributes.find((a) => a.key === key)?.value;
  return value?.stringValue ?? (value?.intValue === undefined ? undefined : Number(value.intValue));
};

const dir = mkdtempSync(join(tmpdir(), 'tessera-tracing-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('OpenTelemetry traces, exported to a collector', { timeout: 200_000 }, () => {
  it('a token request is a SERVER span continuing the caller’s trace, with its database statements as children', async (t) => {
    // The collector: OTLP/HTTP with JSON bodies, as OTEL_EXPORTER_OTLP_PROTOCOL=http/json sends them.
    const exports: OtlpExport[] = [];
    const collector = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        if (req.url === '/v1/traces' && req.headers['content-type']?.startsWith('application/json'))
          exports.push(JSON.parse(body) as OtlpExport);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    t.after(() => collector.close());
    const collectorPort = (collector.address() as { port: number }).port;

    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--dev'], {
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        TESSERA_DATA_DIR: dir,
        DATABASE_URL: `sqlite:${join(dir, 'tessera.db')}`,
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collectorPort}`,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    t.after(() => child.kill('SIGKILL'));
    const url = `http://127.0.0.1:${port}`;
    for (
      let i = 0;
      !(await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      ));
      i++
    ) {
      assert.ok(child.exitCode === null && i < 600, `tessera did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpanId = '00f067aa0ba902b7';
    const response = await fetch(`${url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', traceparent: `00-${traceId}-${callerSpanId}-01` },
      body: 'grant_type=client_credentials&client_id=service_application&client_secret=service_secret',
    });
    assert.equal(response.status, 200, await response.clone().text());

    const spans = () => exports.flatMap((e) => e.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));
    const tokenSpan = () => spans().find((s) => s.name === 'POST /token');
    for (let i = 0; !(tokenSpan() && spans().some((s) => s.parentSpanId === tokenSpan()?.spanId)); i++) {
      assert.ok(i < 300, `no token span with children arrived: ${JSON.stringify(spans().map((s) => s.name))}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const token = tokenSpan() as OtlpSpan;
    assert.equal(token.kind, 2, 'SERVER');
    assert.equal(token.traceId, traceId, 'continues the caller’s trace (W3C traceparent)');
    assert.equal(token.parentSpanId, callerSpanId);
    assert.equal(attribute(token.attributes, 'http.route'), '/token');
    assert.equal(attribute(token.attributes, 'http.response.status_code'), 200);

    const statements = spans().filter((s) => s.parentSpanId === token.spanId);
    assert.ok(statements.length >= 1);
    for (const statement of statements) {
      assert.equal(statement.kind, 3, 'CLIENT');
      assert.equal(statement.traceId, traceId);
      assert.equal(attribute(statement.attributes, 'db.system.name'), 'sqlite');
      assert.match(String(attribute(statement.attributes, 'db.query.text')), /^(select|insert|update|delete|with)\b/i);
      assert.doesNotMatch(String(attribute(statement.attributes, 'db.query.text')), /service_secret/);
    }
    assert.ok(statements.some((s) => /^SELECT /.test(s.name) && /"clients"/.test(String(attribute(s.attributes, 'db.query.text')))));

    const resource = exports[0].resourceSpans[0].resource.attributes;
    assert.equal(attribute(resource, 'service.name'), 'tessera');
  });
});
