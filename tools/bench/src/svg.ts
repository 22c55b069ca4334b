// svg.ts -- a bar chart of every row's speed relative to C, as a hand-written SVG

import { PEER_NAMES } from './report.js';
import type { Peer, RowResult, Workload } from './types.js';

const COLORS: Readonly<Record<Peer, string>> = {
  'c-pmem2': '#888888',
  'c-libc': '#888888',
  'c-log': '#888888',
  'c-log-hwcrc': '#aaaaaa',
  'js-pmem2': '#2b6cb0',
  'js-buffer-copy': '#38a169',
  'js-log': '#2c7a7b',
  'mmap-io': '#dd6b20',
  'node-fs': '#805ad5',
};

const WORKLOAD_NAMES: Readonly<Record<Workload, string>> = {
  map: 'mapNew + delete',
  persist: 'persist',
  memcpy: 'memcpy',
  append: 'append 64 B records',
  update: 'random 8 B updates',
  log: 'append log, group commit',
  batch: 'persistRanges of 64 lines',
  floor: 'N-API floor',
};

function escapeXml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** Speed relative to the C row: > 1 is faster than C, < 1 slower, whatever the metric. */
export function relativeSpeed(r: RowResult): number | null {
  if (r.ratio === null || !Number.isFinite(r.ratio) || r.ratio <= 0) return null;
  return r.case.metric === 'time' ? 1 / r.ratio : r.ratio;
}

/**
 * One horizontal bar per compared row on a log2 axis centred on 1 (= as fast as C), grouped
 * by workload; rows without figures are left out.
 */
export function ratioChart(rows: readonly RowResult[], title: string): string {
  const LABEL_W = 470;
  const PLOT_W = 520;
  const ROW_H = 15;
  const TOP = 56;
  const charted = rows.filter((r) => relativeSpeed(r) !== null);
  const speeds = charted.map((r) => relativeSpeed(r) as number);
  const lo = Math.max(-10, Math.floor(Math.log2(Math.min(0.5, ...speeds))));
  const hi = Math.min(6, Math.ceil(Math.log2(Math.max(2, ...speeds))));
  const x = (speed: number): number => {
    const l = Math.min(hi, Math.max(lo, Math.log2(speed)));
    return LABEL_W + ((l - lo) / (hi - lo)) * PLOT_W;
  };
  const parts: string[] = [];
  let y = TOP;
  let lastWorkload: Workload | null = null;
  for (const r of charted) {
    if (r.case.workload !== lastWorkload) {
      lastWorkload = r.case.workload;
      y += 6;
      parts.push(
        `<text x="8" y="${y + 11}" font-weight="bold">${escapeXml(WORKLOAD_NAMES[lastWorkload])}</text>`,
      );
      y += ROW_H + 2;
    }
    const speed = relativeSpeed(r) as number;
    const x1 = x(1);
    const x2 = x(speed);
    const label = `${r.case.fs} ${r.case.peer.endsWith('pmem2') ? `${r.case.granularity} ` : ''}${r.case.label} — ${PEER_NAMES[r.case.peer]}`;
    parts.push(
      `<text x="${LABEL_W - 6}" y="${y + 11}" text-anchor="end">${escapeXml(label)}</text>`,
      `<rect x="${Math.min(x1, x2).toFixed(1)}" y="${y + 2}" width="${Math.max(1, Math.abs(x2 - x1)).toFixed(1)}" height="${ROW_H - 4}" fill="${COLORS[r.case.peer]}"/>`,
      `<text x="${(Math.max(x1, x2) + 4).toFixed(1)}" y="${y + 11}" fill="#444">${speed >= 10 ? speed.toFixed(0) : speed.toFixed(2)}×</text>`,
    );
    y += ROW_H;
  }
  const height = y + 20;
  const axis: string[] = [];
  const labelEvery = hi - lo > 8 ? 2 : 1; // keep labels apart on wide ranges
  for (let e = lo; e <= hi; e++) {
    const ax = x(2 ** e);
    const text = e >= 0 ? `${2 ** e}×` : `1/${2 ** -e}×`;
    axis.push(
      `<line x1="${ax.toFixed(1)}" y1="${TOP - 6}" x2="${ax.toFixed(1)}" y2="${height - 16}" stroke="${e === 0 ? '#000' : '#ddd'}" stroke-width="${e === 0 ? 1.5 : 1}"/>`,
    );
    if (e % labelEvery === 0) {
      axis.push(
        `<text x="${ax.toFixed(1)}" y="${TOP - 10}" text-anchor="middle" fill="#444">${text}</text>`,
      );
    }
  }
  const width = LABEL_W + PLOT_W + 60;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="8" y="18" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="8" y="34" fill="#444">Speed relative to the matching C row of the same run (log scale; right of the black line is faster than C). Rows without figures are left out.</text>`,
    ...axis,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
