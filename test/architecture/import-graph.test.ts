import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import ts from 'typescript';

/**
 * The import graph of src/: no circles, and arrows that run one way (HTTP routes → protocol →
 * tokens/keys/policy → storage). Type-only imports count: a circle of types is still a circle
 * for a reader. Each rule names the rooms (first folder under src/) it constrains.
 */

type Graph = Map<string, string[]>;

interface Rule {
  why: string;
  /** The files (src/ paths) the rule applies to. */
  from: (file: string) => boolean;
  /** An import target (a src/ path, or a package name) that breaks the rule. */
  forbids: (target: string) => boolean;
}

const SRC = 'src';

/** src/a/b.ts → 'a'; src/logger.ts → 'logger.ts'; a package → its name. */
function room(file: string): string {
  if (!file.startsWith(`${SRC}/`)) return file;
  return file.slice(SRC.length + 1).split('/')[0];
}

function inRooms(...names: string[]): (target: string) => boolean {
  return (target) => names.includes(room(target));
}
const packages =
  (...names: string[]) =>
  (target: string) =>
    names.some((name) => target === name || target.startsWith(`${name}/`));
const either =
  (...tests: ((target: string) => boolean)[]) =>
  (target: string) =>
    tests.some((test) => test(target));

/** Protocol rooms: what the endpoints run. */
const PROTOCOL = ['authorize', 'device', 'grants', 'client-auth', 'registration', 'logout'];
/** The web layer: routes, pages, the Fastify glue, the composition root. */
const WEB = ['endpoints', 'interaction', 'http', 'app'];

export const RULES: Rule[] = [
  {
    why: 'nothing outside the composition root (and the CLI that starts it) sees the whole service container',
    from: (file) => !['app', 'cli'].includes(room(file)),
    forbids: inRooms('app'),
  },
  {
    why: 'protocol, tokens and keys never depend on the web layer',
    from: inRooms(...PROTOCOL, 'tokens', 'keys', 'session', 'protocol'),
    forbids: inRooms(...WEB),
  },
  {
    why: 'the rooms that decide (authorization, device verification) and the pages meet only in app/: neither imports the other',
    from: inRooms('authorize', 'device'),
    forbids: inRooms('interaction'),
  },
  {
    why: 'the rooms that decide (authorization, device verification) and the pages meet only in app/: neither imports the other',
    from: inRooms('interaction'),
    forbids: inRooms('authorize', 'device'),
  },
  {
    why: 'the HTTP glue is below the pages and endpoints',
    from: inRooms('http'),
    forbids: inRooms('interaction', 'endpoints', ...PROTOCOL),
  },
  {
    why: 'arrows run down: tokens, keys and storage never call back into protocol code',
    from: inRooms('tokens', 'keys', 'storage'),
    forbids: inRooms(...PROTOCOL, 'session', 'interaction', 'endpoints'),
  },
  {
    why: 'storage knows no web framework and no protocol room above it',
    from: inRooms('storage'),
    forbids: either(packages('fastify', '@fastify'), inRooms('protocol', 'tokens', 'keys', 'session', 'audit', 'metrics', ...WEB)),
  },
  {
    why: 'protocol code reaches the database only through store interfaces, never Kysely or the database module',
    from: inRooms(...PROTOCOL, 'tokens', 'keys', 'session', 'protocol', 'endpoints', 'interaction', 'http'),
    forbids: either(packages('kysely'), (target) => target === 'src/storage/database.ts'),
  },
  {
    why: 'the protocol room (errors, parameters, metadata) and util/ stand on nothing else in src/ but the media-type grammar',
    from: inRooms('protocol', 'util'),
    forbids: (target) =>
      target.startsWith(`${SRC}/`) && !['protocol', 'util'].includes(room(target)) && target !== 'src/rules/media-type.ts',
  },
];

/** Every .ts file under `dir`, as a path relative to the repository root. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The imports of `file` (static, type-only, re-exports and dynamic), resolved to src/ files or package names. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map(({ fileName: spec }) => {
    if (!spec.startsWith('.'))
      return spec.startsWith('node:')
        ? spec
        : spec
            .split('/')
            .slice(0, spec.startsWith('@') ? 2 : 1)
            .join('/');
    return normalize(join(dirname(file), spec)).replace(/\.js$/, '.ts');
  });
}

export function importGraph(root = SRC): Graph {
  return new Map(sourceFiles(root).map((file) => [relative('.', file), importsOf(file)]));
}

/** The import circles of `graph` (Tarjan's strongly connected components of two or more files, or a self-import). */
export function findCycles(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

/** `file → target: why` for every import that breaks a rule. */
export function violations(graph: Graph, rules: Rule[] = RULES): string[] {
  const found: string[] = [];
  for (const [file, targets] of graph) {
    for (const rule of rules) {
      if (!rule.from(file)) continue;
      for (const target of targets) if (rule.forbids(target)) found.push(`${file} → ${target}: ${rule.why}`);
    }
  }
  return found;
}

describe('the import graph of src/', () => {
  const graph = importGraph();

  it('reads the tree (sanity: the composition root imports the rooms)', () => {
    assert.ok(graph.size > 150, `only ${graph.size} files found`);
    assert.ok(graph.get('src/app/build-app.ts')?.includes('src/authorize/authorization-routes.ts'));
    assert.ok(graph.get('src/app/build-app.ts')?.includes('src/device/verification-routes.ts'));
    assert.ok(graph.get('src/app/build-app.ts')?.includes('fastify'));
  });

  it('has no import circles', () => {
    assert.deepEqual(findCycles(graph), []);
  });

  it('keeps every layering rule', () => {
    assert.deepEqual(violations(graph), []);
  });

  it('catches a planted circle and planted layering breaks (the checks can fail)', () => {
    const planted: Graph = new Map(graph);
    planted.set('src/grants/planted.ts', ['src/app/create-services.ts', 'src/http/error-handler.ts']);
    planted.set('src/app/create-services.ts', [...(graph.get('src/app/create-services.ts') ?? []), 'src/grants/planted.ts']);
    planted.set('src/storage/planted.ts', ['fastify', 'src/storage/database.ts', 'src/authorize/authorization-routes.ts']);
    planted.set('src/interaction/planted.ts', ['src/authorize/describe-return-to.ts', 'src/device/lookup-user-code.ts', 'kysely']);
    planted.set('src/device/planted.ts', ['src/interaction/layout.ts', 'src/endpoints/token.ts', 'kysely']);
    planted.set('src/util/planted.ts', ['src/util/planted.ts']);

    assert.deepEqual(
      findCycles(planted).map((cycle) => cycle.filter((file) => file.includes('planted') || file.startsWith('src/app/'))),
      [['src/app/create-services.ts', 'src/grants/planted.ts'], ['src/util/planted.ts']],
    );
    const broken = violations(planted).filter((v) => v.includes('planted'));
    for (const expected of [
      'src/grants/planted.ts → src/app/create-services.ts',
      'src/grants/planted.ts → src/http/error-handler.ts',
      'src/storage/planted.ts → fastify',
      'src/storage/planted.ts → src/authorize/authorization-routes.ts',
      'src/interaction/planted.ts → src/authorize/describe-return-to.ts',
      'src/interaction/planted.ts → src/device/lookup-user-code.ts',
      'src/interaction/planted.ts → kysely',
      'src/device/planted.ts → src/interaction/layout.ts',
      'src/device/planted.ts → src/endpoints/token.ts',
      'src/device/planted.ts → kysely',
    ]) {
      assert.ok(
        broken.some((v) => v.startsWith(`${expected}:`)),
        `not caught: ${expected}`,
      );
    }
    assert.ok(
      !broken.some((v) => v.startsWith('src/storage/planted.ts → src/storage/database.ts')),
      'storage may use its own database module',
    );
  });
});
