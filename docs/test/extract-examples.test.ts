// extract-examples.test.ts -- the @example harness: extraction and the checks it adds

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeTempDir, tempDir } from '@pmem2/test-kit';
import { describe, expect, it } from 'vitest';
import { toModule, withAssertions } from './extract-examples.js';

async function runs(code: string): Promise<string> {
  const dir = tempDir('pmem2-example-harness-');
  try {
    const file = join(dir, 'example.mjs');
    writeFileSync(file, await toModule({ label: 'test', code }));
    execFileSync(process.execPath, [file], { stdio: 'pipe' });
    return 'ran';
  } catch (error) {
    return String((error as { stderr?: Buffer }).stderr ?? error);
  } finally {
    removeTempDir(dir);
  }
}

describe('example harness', () => {
  it('withAssertions-valueAndThrowsComments-becomeChecks', () => {
    expect(withAssertions("x.code; // 'E'")).toBe(`__expectValue(() => (x.code), 'E', "x.code");`);
    expect(withAssertions('f(1); // throws PMEM2_E_MAP_RANGE')).toBe(
      '__expectThrow(() => { f(1); }, "PMEM2_E_MAP_RANGE");',
    );
    expect(withAssertions('const a = 1; // 1')).toBe('const a = 1; // 1');
    expect(withAssertions('x.size; // 4096 on x86-64')).toBe('x.size; // 4096 on x86-64');
  });

  it('toModule-trueClaims-run', async () => {
    expect(await runs('const n: number = 2 ** 12;\nn; // 4096\nconsole.log(n + 1); // 4097')).toBe(
      'ran',
    );
    expect(await runs("JSON.parse('{'); // throws SyntaxError")).toBe('ran');
  });

  it('toModule-falseClaims-fail', async () => {
    expect(await runs('(1 + 1); // 3')).toMatch(/\(1 \+ 1\) is 2, the example says 3/);
    expect(await runs('Math.max(1); // throws RangeError')).toMatch(/nothing was thrown/);
  });

  it('toModule-using-disposesInReverseOrder', async () => {
    const code = [
      'const order: string[] = [];',
      'const res = (n: string) => ({ [Symbol.dispose]: () => order.push(n) });',
      "{ using a = res('a'); using b = res('b'); }",
      "order.join(); // 'b,a'",
    ].join('\n');
    expect(await runs(code)).toBe('ran');
  });
});
