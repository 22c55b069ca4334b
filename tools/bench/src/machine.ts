// machine.ts -- describes the machine a run measured: CPU, cores, kernel, Node, libpmem2

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';

/** What the results file and README say about the machine. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  /** The CPU flags that decide libpmem2's flush and copy routines. */
  readonly cpuFlags: readonly string[];
  readonly memoryGiB: number;
  readonly kernel: string;
  readonly node: string;
  readonly libpmem2: string;
  readonly fileSystems: Readonly<Record<string, string>>;
}

const RELEVANT_FLAGS = ['clflush', 'clflushopt', 'clwb', 'sse2', 'avx', 'avx512f', 'movdir64b'];

function cpuinfo(): { model: string; flags: string[] } {
  let text = '';
  try {
    text = fs.readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // not Linux: fall back to os.cpus()
  }
  const field = (name: string): string =>
    text.match(new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm'))?.[1]?.trim() ?? '';
  const present = new Set(field('flags').split(/\s+/));
  return {
    model: field('model name') || (os.cpus()[0]?.model ?? 'unknown'),
    flags: RELEVANT_FLAGS.filter((f) => present.has(f)),
  };
}

function libpmem2Version(): string {
  const res = spawnSync('pkg-config', ['--modversion', 'libpmem2'], { encoding: 'utf8' });
  return res.status === 0 ? res.stdout.trim() : 'not found';
}

/** Collects the description; `fileSystems` maps each benchmark directory to its type. */
export function describeMachine(fileSystems: Record<string, string>): MachineInfo {
  const cpu = cpuinfo();
  return {
    cpuModel: cpu.model,
    cores: os.cpus().length,
    cpuFlags: cpu.flags,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    libpmem2: libpmem2Version(),
    fileSystems,
  };
}

/**
 * The commit the run measured, with "+uncommitted" when packages/ has changes that git has
 * not recorded (the built dist of a package may then differ from the commit).
 */
export function sourceRevision(repoDir: string): string {
  const head = spawnSync('git', ['-C', repoDir, 'rev-parse', '--short', 'HEAD'], {
    encoding: 'utf8',
  });
  if (head.status !== 0) return 'unknown';
  const dirty = spawnSync('git', ['-C', repoDir, 'status', '--porcelain', '--', 'packages'], {
    encoding: 'utf8',
  });
  return `${head.stdout.trim()}${dirty.stdout.trim() === '' ? '' : '+uncommitted'}`;
}

/** One line for the table's header. */
export function machineLine(m: MachineInfo): string {
  const fsList = Object.entries(m.fileSystems)
    .map(([dir, type]) => `${dir} (${type})`)
    .join(', ');
  return (
    `${m.cpuModel}, ${m.cores} cores [${m.cpuFlags.join(' ')}], ${m.memoryGiB} GiB, ` +
    `${m.kernel}, Node ${m.node}, libpmem2 ${m.libpmem2}; files: ${fsList}`
  );
}
