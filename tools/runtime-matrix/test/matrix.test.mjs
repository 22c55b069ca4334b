// matrix.test.mjs -- the result table: counting, notes and the rendered text
import { describe, expect, it } from 'vitest';
import { FAILED, Matrix, NOT_VERIFIABLE, PASSED } from '../lib/matrix.mjs';

function sample() {
  const matrix = new Matrix([
    { id: 'suite', title: 'suite' },
    { id: 'smoke', title: 'smoke' },
  ]);
  matrix.addRow('a', 'node 22');
  matrix.addRow('b', 'arm64');
  matrix.set('a', 'suite', PASSED, { short: '3/3' });
  matrix.record('a', 'smoke', { ok: false, detail: 'map: EACCES' });
  matrix.set('b', 'suite', NOT_VERIFIABLE, { detail: 'no vitest here' });
  return matrix;
}

describe('Matrix', () => {
  it('counts passed, failed and not-verifiable cells; unset cells count as nothing', () => {
    expect(sample().counts()).toEqual({ passed: 1, failed: 1, notVerifiable: 1 });
  });

  it('renders aligned rows, "-" for unset cells and numbered notes with the reasons', () => {
    const text = sample().render();
    const lines = text.split('\n');
    expect(lines[0]).toBe('runtime | suite      | smoke');
    expect(lines[2]).toBe('node 22 | passed 3/3 | FAILED [1]');
    expect(lines[3]).toBe('arm64   | n/v [2]    | -');
    expect(text).toContain('\n[1] node 22 × smoke: map: EACCES\n[2] no vitest here');
  });

  it('gives cells with the same text one note', () => {
    const matrix = sample();
    matrix.set('b', 'smoke', NOT_VERIFIABLE, { detail: 'no vitest here' });
    expect(matrix.render().split('\n')[3]).toBe('arm64   | n/v [2]    | n/v [2]');
    expect(matrix.render()).not.toContain('[3]');
  });

  it('rejects cells of unknown rows or columns', () => {
    expect(() => sample().set('zz', 'suite', PASSED)).toThrow(/unknown row zz/);
    expect(() => sample().set('a', 'zz', PASSED)).toThrow(/unknown column zz/);
  });

  it('serialises every cell, null where unset', () => {
    const json = sample().toJSON();
    expect(json.rows[1].cells).toEqual({
      suite: { status: NOT_VERIFIABLE, short: '', detail: 'no vitest here' },
      smoke: null,
    });
    expect(json.rows[0].cells.smoke.status).toBe(FAILED);
  });
});
