// matrix.mjs -- the runtime × suite result table: cells, counts, and the compact text form

/** A cell's outcome. `n/a` cells are combinations that mean nothing (no row has them run). */
export const PASSED = 'passed';
export const FAILED = 'FAILED';
export const NOT_VERIFIABLE = 'not verifiable here';

/** Rows are runtimes, columns are suites; every cell is set once. */
export class Matrix {
  constructor(columns) {
    this.columns = columns;
    this.rows = [];
    this.cells = new Map();
  }

  addRow(id, title) {
    this.rows.push({ id, title });
  }

  /** Records a cell: `status` is PASSED, FAILED or NOT_VERIFIABLE; `short` shows in the table. */
  set(rowId, columnId, status, { short = '', detail = '' } = {}) {
    if (!this.rows.some((r) => r.id === rowId)) throw new Error(`unknown row ${rowId}`);
    if (!this.columns.some((c) => c.id === columnId)) throw new Error(`unknown column ${columnId}`);
    this.cells.set(`${rowId}\u0000${columnId}`, { status, short, detail });
  }

  get(rowId, columnId) {
    return this.cells.get(`${rowId}\u0000${columnId}`);
  }

  /** Records a result object `{ ok, short, detail }` as passed or failed. */
  record(rowId, columnId, result) {
    this.set(rowId, columnId, result.ok ? PASSED : FAILED, result);
  }

  counts() {
    const counts = { passed: 0, failed: 0, notVerifiable: 0 };
    for (const { status } of this.cells.values()) {
      if (status === PASSED) counts.passed++;
      else if (status === FAILED) counts.failed++;
      else counts.notVerifiable++;
    }
    return counts;
  }

  /**
   * The table, then numbered notes: the reason of every not-verifiable cell, the error of
   * every failed one (prefixed with its runtime and suite) and the detail of passed ones.
   * Cells with the same text share a note.
   */
  render() {
    const notes = [];
    const noteNumber = (text) => {
      let index = notes.indexOf(text);
      if (index < 0) index = notes.push(text) - 1;
      return index + 1;
    };
    const text = (row, column) => {
      const cell = this.get(row.id, column.id);
      if (!cell) return '-';
      // A failure's note names its runtime and suite, so it reads alone in a CI log.
      const note =
        cell.status === FAILED ? `${row.title} × ${column.title}: ${cell.detail}` : cell.detail;
      const mark = cell.detail ? ` [${noteNumber(note)}]` : '';
      const word = cell.status === NOT_VERIFIABLE ? 'n/v' : cell.status;
      return `${word}${cell.short ? ` ${cell.short}` : ''}${mark}`;
    };
    const header = ['runtime', ...this.columns.map((c) => c.title)];
    const body = this.rows.map((row) => [row.title, ...this.columns.map((c) => text(row, c))]);
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
    const line = (cells) =>
      cells
        .map((c, i) => c.padEnd(widths[i]))
        .join(' | ')
        .trimEnd();
    const rule = widths.map((w) => '-'.repeat(w)).join('-+-');
    return [
      line(header),
      rule,
      ...body.map(line),
      '',
      'n/v = not verifiable here (reason in the note); - = not applicable',
      ...notes.map((n, i) => `[${i + 1}] ${n}`),
    ].join('\n');
  }

  toJSON() {
    return {
      columns: this.columns,
      rows: this.rows.map((row) => ({
        ...row,
        cells: Object.fromEntries(this.columns.map((c) => [c.id, this.get(row.id, c.id) ?? null])),
      })),
    };
  }
}
