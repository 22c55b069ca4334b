// extract-examples.ts -- finds every TSDoc @example block in packages/*/src and turns it into a
// script node can run (TypeScript stripped by oxc; `using` lowered with a small helper)

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { transformWithOxc } from 'vite';

/** One `@example` block. */
export interface Example {
  /** `packages/<pkg>/src/<file>.ts:<line> <symbol>`, for the test name. */
  readonly label: string;
  /** The TypeScript code of the block. */
  readonly code: string;
}

const DECLARATION =
  /^\s*(?:export\s+)?(?:declare\s+)?(?:abstract\s+)?(?:static\s+)?(?:readonly\s+)?(?:get\s+|set\s+)?(?:async\s+)?(?:class|function|const|let|interface|type|enum)?\s*(\[?[\w.]+\]?)/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The code of one example: its fenced blocks, or all of it when it has no fence. */
function exampleCode(lines: readonly string[]): string {
  const fenced: string[] = [];
  let inFence = false;
  let sawFence = false;
  for (const line of lines) {
    if (/^\s*```/.test(line)) {
      inFence = !inFence;
      sawFence = true;
    } else if (inFence) {
      fenced.push(line);
    }
  }
  return (sawFence ? fenced : lines).join('\n').trim();
}

function examplesOfComment(body: string): string[][] {
  const lines = body.split('\n').map((line) => line.replace(/^\s*\*? ?/, ''));
  const examples: string[][] = [];
  let current: string[] | null = null;
  let inFence = false;
  for (const line of lines) {
    if (/^\s*```/.test(line)) inFence = !inFence;
    if (!inFence && /^@\w+/.test(line)) {
      current = null;
      if (line.startsWith('@example')) {
        current = [line.slice('@example'.length)];
        examples.push(current);
      }
    } else {
      current?.push(line);
    }
  }
  return examples;
}

/** Every `@example` of every `packages/<pkg>/src/**\/*.ts` under `repoRoot`, in path order. */
export function findExamples(repoRoot: string): Example[] {
  const packagesDir = join(repoRoot, 'packages');
  const files = readdirSync(packagesDir)
    .sort()
    .flatMap((pkg) => {
      try {
        return sourceFiles(join(packagesDir, pkg, 'src')).sort();
      } catch {
        return [];
      }
    });
  const examples: Example[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/\/\*\*([\s\S]*?)\*\//g)) {
      const line = text.slice(0, match.index).split('\n').length;
      const after = text.slice((match.index ?? 0) + match[0].length).split('\n')[1] ?? '';
      const symbol = DECLARATION.exec(after)?.[1] ?? '';
      for (const lines of examplesOfComment(match[1] ?? '')) {
        const code = exampleCode(lines);
        if (code !== '') {
          examples.push({ label: `${relative(repoRoot, file)}:${line} ${symbol}`.trim(), code });
        }
      }
    }
  }
  return examples;
}

const LITERAL = String.raw`'[^']*'|"[^"]*"|-?\d+n?|true|false|null|undefined`;
const THROWS_LINE = /^(\s*)(.+?);?\s*\/\/\s*throws\s+(?:an?\s+)?\{?@?(?:link\s+)?(\w+)/;
const VALUE_LINE = new RegExp(String.raw`^(\s*)([^/\s][^/]*?);\s*\/\/\s*(${LITERAL})\s*$`);
const DECLARATION_START = /^(?:const|let|var|using|import|export|type|interface)\b/;

/**
 * Makes an example check what its comments claim: `stmt; // throws CODE` must throw a
 * `Pmem2Error` with that code (or an error of that name), and `expr; // <literal>` must
 * evaluate to that literal (a string, number, bigint, boolean, null or undefined).
 */
export function withAssertions(code: string): string {
  return code
    .split('\n')
    .map((line) => {
      const throws = THROWS_LINE.exec(line);
      if (throws !== null) {
        const [, indent, statement, name] = throws;
        return `${indent}__expectThrow(() => { ${statement}; }, ${JSON.stringify(name)});`;
      }
      const value = VALUE_LINE.exec(line);
      if (value !== null && !DECLARATION_START.test(value[2] ?? '')) {
        const [, indent, statement = '', literal] = value;
        // `console.log(x); // 42` claims that x is 42.
        const expression = /^console\.log\((.*)\)$/.exec(statement)?.[1] ?? statement;
        return `${indent}__expectValue(() => (${expression}), ${literal}, ${JSON.stringify(expression)});`;
      }
      return line;
    })
    .join('\n');
}

const ASSERTION_HELPERS = `function __expectThrow(run, name) {
  try { run(); } catch (error) {
    if (error?.code === name || error?.name === name || error?.constructor?.name === name) return;
    throw new Error(\`expected a \${name} error, got \${error?.code ?? error?.name}: \${error?.message}\`);
  }
  throw new Error(\`expected a \${name} error, but nothing was thrown\`);
}
function __expectValue(run, expected, source) {
  const actual = run();
  if (!Object.is(actual, expected)) {
    throw new Error(\`\${source} is \${typeof actual === 'bigint' ? actual + 'n' : JSON.stringify(actual)}, the example says \${typeof expected === 'bigint' ? expected + 'n' : JSON.stringify(expected)}\`);
  }
}
`;

/** The ```ts blocks of docs/guide.md, which must run like the TSDoc examples. */
export function guideExamples(repoRoot: string): Example[] {
  const path = join(repoRoot, 'docs', 'guide.md');
  const text = readFileSync(path, 'utf8');
  return [...text.matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((match) => ({
    label: `docs/guide.md:${text.slice(0, match.index).split('\n').length}`,
    code: match[1]?.trim() ?? '',
  }));
}

/**
 * `babelHelpers.usingCtx`, which oxc's lowering of `using` calls (Node 20 cannot parse
 * `using`): records disposables, disposes them in reverse order, rethrows the body's error.
 */
const USING_HELPER = `const __noError = Symbol('no error');
globalThis.babelHelpers = { usingCtx() {
  const stack = [];
  return { e: __noError,
    u(value) {
      if (value !== null && value !== undefined) {
        if (typeof value[Symbol.dispose] !== 'function') throw new TypeError('using: not disposable');
        stack.push(value);
      }
      return value;
    },
    d() {
      let error = this.e;
      while (stack.length > 0) {
        const value = stack.pop();
        try { value[Symbol.dispose](); } catch (e) { if (error === __noError) error = e; }
      }
      if (error !== __noError) throw error;
    } };
} };
`;

/** Turns an example into an ES module for node 20. */
export async function toModule(example: Example): Promise<string> {
  const { code } = await transformWithOxc(withAssertions(example.code), 'example.ts', {
    lang: 'ts',
    target: 'es2022',
    helpers: { mode: 'External' },
  });
  return `${USING_HELPER}${ASSERTION_HELPERS}${code}`;
}
