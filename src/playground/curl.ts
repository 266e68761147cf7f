import type { HttpRequestRecord } from './exchange.js';

/** Quotes for a POSIX shell: single quotes, with any single quote closed, escaped and reopened. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Headers curl writes itself from the command line. */
const CURL_SETS = new Set(['host', 'content-length', 'connection', 'user-agent']);

/** The curl command that sends the same request (same method, URL, headers and body). */
export function curlCommand(request: HttpRequestRecord): string {
  const parts = ['curl -i', `-X ${request.method}`, shellQuote(request.url)];
  for (const [name, value] of request.headers) {
    if (!CURL_SETS.has(name.toLowerCase())) parts.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  }
  if (request.body) parts.push(`--data-raw ${shellQuote(request.body)}`);
  return parts.join(' \\\n  ');
}
