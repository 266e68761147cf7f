import autocannon from 'autocannon';
import type { LoadResult, LoadSpec, LoadStep } from './load-spec.js';
import { dpopProofMaker } from './dpop-proof-maker.js';

type Request = { method?: string; path?: string; headers?: Record<string, string>; body?: string };
type Context = Record<string, unknown>;

/** Runs one load with autocannon (in the load process) and reports completed units per second. */
export async function runAutocannon(spec: LoadSpec): Promise<LoadResult> {
  let units = 0;
  let failures = 0;
  let sample: string | undefined;
  const fail = (status: number, body: string) => {
    failures++;
    sample ??= `${status} ${body.slice(0, 200)}`;
  };
  const last = spec.steps.length - 1;
  const pool = [...(spec.tokens ?? [])];
  let next = 0;

  const requests = spec.steps.map((step, index) => {
    const fill = (text: string | undefined, values: Record<string, string>) =>
      text?.replace(/\{(token|code)\}/g, (_, name: string) => values[name] ?? '');
    const proof = step.dpop ? dpopProofMaker(step.dpop, step.method) : undefined;
    const build = (values: Record<string, string>): Request => ({
      method: step.method,
      path: fill(step.path, values),
      headers: {
        ...Object.fromEntries(Object.entries(step.headers ?? {}).map(([k, v]) => [k, fill(v, values) as string])),
        ...(proof ? { dpop: proof() } : {}),
      },
      body: fill(step.body, values),
    });
    return {
      ...build({}),
      setupRequest: (request: Request, context: Context) => {
        const values: Record<string, string> = {};
        if (spec.kind === 'rotate') values.token = pool[next++ % pool.length];
        if (spec.kind === 'refresh') {
          // An empty pool (after failed refreshes) sends a token that fails, and is counted so.
          values.token = pool.shift() ?? 'pool-ran-dry';
        }
        if (spec.kind === 'code-flow' && index === 1) values.code = (context.code as string) ?? 'missing';
        return { ...request, ...build(values) };
      },
      onResponse: (status: number, body: string, context: Context, headers: Record<string, string | string[]>) => {
        if (spec.kind === 'code-flow' && index === 0) {
          const location = String(headers.location ?? headers.Location ?? '');
          const code = /[?&]code=([^&]+)/.exec(location)?.[1];
          if (code && status >= 300 && status < 400) context.code = decodeURIComponent(code);
          else fail(status, body || location);
          return;
        }
        if (spec.kind === 'refresh') {
          const token = status === 200 ? (JSON.parse(body) as { refresh_token?: string }).refresh_token : undefined;
          if (token) pool.push(token);
        }
        if (index === last) {
          if (status === 200) units++;
          else fail(status, body);
        }
      },
    };
  });

  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.duration,
    overallRate: spec.overallRate,
    requests: requests as unknown as autocannon.Request[],
  });
  const seconds = result.duration || spec.duration;
  return {
    rate: units / seconds,
    units,
    failures: failures + result.errors + result.timeouts,
    p50: result.latency.p50,
    p99: result.latency.p99,
    sample,
    tokens: spec.kind === 'refresh' ? pool : undefined,
  };
}

export type { LoadStep };
