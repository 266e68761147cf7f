import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { run } from '../../src/cli/main.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { codeBlocks, endpointUses, headingAnchors, relativeLinks, shellLines, tesseraCommands } from './markdown-commands.js';

/** The documentation a reader follows: docs/, the examples' READMEs and the README itself. */
const DOCUMENTS = [
  'README.md',
  ...readdirSync('docs')
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
  'examples/README.md',
  ...readdirSync('examples', { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => `examples/${d.name}/README.md`),
];
const read = (file: string) => readFileSync(file, 'utf8');

/** `tessera <words> --help`: exit code and text. */
async function help(words: string[]): Promise<{ code: number; text: string }> {
  let text = '';
  const io = { out: (t: string) => (text += t + '\n'), err: (t: string) => (text += t + '\n') };
  return { code: await run([...words, '--help'], io), text };
}

/** What is wrong with one `tessera ...` command line: an unknown (sub)command or a flag its help does not list. */
async function commandProblems(words: string[]): Promise<string[]> {
  const path: string[] = [];
  let rest = words;
  for (;;) {
    const { code, text } = await help(path);
    if (code !== 0) return [`\`tessera ${path.join(' ')} --help\` exits ${code}`];
    const listed = /^(?:Sub)?[Cc]ommands:\n((?: {2}\S.*\n?)+)/m.exec(text);
    const next = rest[0];
    if (!listed || next === undefined || next.startsWith('-')) {
      // The command itself: every long flag must be one its help lists.
      const unknown = rest
        .filter((w) => w.startsWith('--'))
        .map((w) => w.split('=')[0])
        .filter((flag) => !text.includes(flag));
      return unknown.map((flag) => `\`tessera ${path.join(' ')}\` has no ${flag}`);
    }
    const names = listed[1]
      .split('\n')
      .map((l) => l.trim().split(/\s+/)[0])
      .filter(Boolean);
    if (!names.includes(next)) return [`\`tessera ${[...path, next].join(' ')}\`: no such command (${names.join(', ')})`];
    path.push(next);
    rest = rest.slice(1);
  }
}

/** Whether the server routes METHOD PATH (any answer but its "no such endpoint" 404). */
async function routes(server: TestServer, method: string, path: string): Promise<boolean> {
  const response = await server.app.inject({ method: method as 'GET', url: path });
  return !(response.statusCode === 404 && response.body.includes('no such endpoint'));
}

async function endpointProblems(server: TestServer, files: Record<string, string>): Promise<string[]> {
  const problems: string[] = [];
  for (const [file, text] of Object.entries(files)) {
    for (const use of endpointUses(file, text)) {
      const methods = use.method ? [use.method] : ['GET', 'POST'];
      const found = await Promise.all(methods.map((m) => routes(server, m, use.path)));
      if (!found.includes(true)) problems.push(`${file}: ${methods.join('/')} ${use.path} is not an endpoint (${use.line.trim()})`);
    }
  }
  return problems;
}

async function tesseraProblems(files: Record<string, string>): Promise<string[]> {
  const problems: string[] = [];
  for (const [file, text] of Object.entries(files))
    for (const command of tesseraCommands(file, text)) problems.push(...(await commandProblems(command.words)).map((p) => `${file}: ${p}`));
  return problems;
}

/** `npm start`, `npm run X`, `npx tsx FILE` and relative links must name things that exist. */
function referenceProblems(files: Record<string, string>): string[] {
  const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
  const problems: string[] = [];
  for (const [file, text] of Object.entries(files)) {
    for (const { lang, code } of codeBlocks(text)) {
      if (lang !== 'sh' && lang !== 'bash') continue;
      for (const line of shellLines(code)) {
        for (const m of line.matchAll(/npm (?:run (\S+)|(start|test)\b)/g))
          if (!Object.hasOwn(scripts, m[1] ?? m[2])) problems.push(`${file}: no npm script ${m[1] ?? m[2]}`);
        for (const m of line.matchAll(/npx tsx (\S+)/g)) if (!existsSync(m[1])) problems.push(`${file}: no file ${m[1]}`);
      }
    }
    for (const link of relativeLinks(text)) {
      const [target, anchor] = link.split('#');
      const path = target ? normalize(join(dirname(file), target)) : file;
      if (!existsSync(path)) problems.push(`${file}: link to missing ${path}`);
      else if (anchor && path.endsWith('.md') && !headingAnchors(read(path)).has(anchor))
        problems.push(`${file}: no heading #${anchor} in ${path}`);
    }
  }
  return problems;
}

describe('the commands and requests in the documentation', () => {
  let server: TestServer;
  const documents = Object.fromEntries(DOCUMENTS.map((file) => [file, read(file)]));

  before(async () => {
    // Every optional endpoint switched on: registration is on by default, /metrics needs a token, /playground playground.enabled.
    server = await startTestServer({
      listen: false,
      config: { metrics: { token: 'docs-test-metrics-token' }, playground: { enabled: true } },
    });
  });
  after(() => server.close());

  it('reads commands and requests out of every document', () => {
    for (const file of ['docs/cli.md', 'docs/operations.md', 'docs/getting-started.md'])
      assert.ok(tesseraCommands(file, documents[file]).length > 0, `${file} has tessera commands`);
    for (const file of ['docs/flows.md', 'docs/getting-started.md', 'docs/operations.md'])
      assert.ok(endpointUses(file, documents[file]).length > 2, `${file} has requests`);
  });

  it('names only `tessera` commands, subcommands and flags that the CLI has', async () => {
    assert.deepEqual(await tesseraProblems(documents), []);
  });

  it('requests only endpoints the server routes', async () => {
    assert.deepEqual(await endpointProblems(server, documents), []);
  });

  it('names only npm scripts, files, and link targets and headings that exist', () => {
    assert.deepEqual(referenceProblems(documents), []);
  });

  it('shows config files that a server starts with (blocks that begin with `# tessera.config.yaml`)', async () => {
    const examples = Object.values(documents).flatMap((text) =>
      codeBlocks(text).filter((b) => b.lang === 'yaml' && b.code.startsWith('# tessera.config.yaml')),
    );
    assert.ok(examples.length > 0);
    for (const { code } of examples) {
      // Where the server is and its database are the test's; everything else as written (clients and users seeded).
      const { issuer: _issuer, databaseUrl: _databaseUrl, ...settings } = parseYaml(code) as Record<string, unknown>;
      const started = await startTestServer({ listen: false, config: settings });
      await started.close();
    }
  });

  it('catches a document that rots: an unknown command, flag, endpoint, script, file or link', async () => {
    const rotten = {
      'docs/rotten.md': [
        '```sh',
        'npx tessera clients frobnicate shop',
        'tessera keys rotate --algorithm ES256',
        'tessera clients create --id shop \\',
        '  --redirect-uris https://shop.example.com/cb',
        'docker build -t tessera . && TESSERA_SECRET=x tessera users frob',
        'curl -s http://localhost:3000/oauth/token -d grant_type=client_credentials',
        'curl -s -X DELETE http://localhost:3000/token',
        'npm run deploy',
        'npx tsx examples/missing.ts',
        '```',
        'Open `http://localhost:3000/authorize?client_id=x` in a browser; see [flows](flows.md#no-such-flow) and [x](missing.md).',
      ].join('\n'),
    };
    assert.deepEqual(await tesseraProblems(rotten), [
      'docs/rotten.md: `tessera clients frobnicate`: no such command (create, list, show, update, delete)',
      'docs/rotten.md: `tessera keys rotate` has no --algorithm',
      'docs/rotten.md: `tessera clients create` has no --redirect-uris',
      'docs/rotten.md: `tessera users frob`: no such command (create, list, delete, set-password, mfa, sessions, disable, enable, grant-admin, revoke-admin)',
    ]);
    const endpoints = await endpointProblems(server, rotten);
    assert.equal(endpoints.length, 3, endpoints.join('\n'));
    assert.match(endpoints[0], /POST \/oauth\/token is not an endpoint/);
    assert.match(endpoints[1], /DELETE \/token is not an endpoint/);
    assert.match(endpoints[2], /GET\/POST \/authorize is not an endpoint/);
    assert.deepEqual(referenceProblems(rotten), [
      'docs/rotten.md: no npm script deploy',
      'docs/rotten.md: no file examples/missing.ts',
      'docs/rotten.md: no heading #no-such-flow in docs/flows.md',
      'docs/rotten.md: link to missing docs/missing.md',
    ]);
  });
});
