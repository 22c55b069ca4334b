// probe-protocol.ts -- the line protocol of probe.c: one case in (key=value tokens), one JSON line out

import { type ConformanceCase, encodeMemOp, encodeReservationOp, type Outcome } from './case.js';

/*
 * Input keys (one case per line, whitespace-separated, values without whitespace):
 *   id=<text>                       required; echoed back
 *   src=file|anon|dir|fifo|chardev|fd
 *   path=<path>                     file, directory, FIFO or character device to open
 *   open=rdonly|rdwr|wronly|closed  file open mode; closed = O_RDWR, closed before map_new
 *   anon=<u64>                      size of an anonymous source
 *   fd=<int>                        raw fd passed to pmem2_source_from_fd (src=fd)
 *   gran=<int> offset=<u64> length=<u64> prot=<u32> sharing=<int>
 *                                   config setters, called only when present, in this order
 *   rsv=<u64> rsvoff=<u64>          pmem2_vm_reservation_new(size) and the map's offset in it
 *   premaps=<off>:<len>,...         anonymous maps placed in the reservation first
 *   rsvops=<op>,...                 reservation operations after the map (see ReservationOp)
 *   memops=<call>,...               mem function calls after the write step (see MemOp)
 *   force=<text>                    PMEM2_FORCE_GRANULARITY for this case (absent = unset)
 * Output: one JSON object per case, the fields of {@link Outcome}; every call result is
 * {ret, msg} with msg "" on success or when libpmem2 set no message (probe.c puts a sentinel
 * text into the errormsg buffer before each call, since release builds never clear it).
 */

/**
 * Encodes a case as the probe's input line. `sourcePath` is the file, directory or FIFO
 * prepared for the probe's side. Values never contain whitespace (ids are checked).
 */
export function encodeCase(c: ConformanceCase, sourcePath: string): string {
  if (/\s/.test(c.id)) throw new Error(`case id ${JSON.stringify(c.id)} contains whitespace`);
  const tokens = [`id=${c.id}`];
  const s = c.source;
  switch (s.kind) {
    case 'file':
      tokens.push('src=file', `path=${sourcePath}`, `open=${s.open}`);
      break;
    case 'anon':
      tokens.push('src=anon', `anon=${s.size}`);
      break;
    case 'existing':
      tokens.push('src=file', `path=${s.path}`, `open=${s.open}`);
      break;
    case 'fd':
      tokens.push('src=fd', `fd=${s.fd}`);
      break;
    default:
      tokens.push(`src=${s.kind}`, `path=${sourcePath}`);
  }
  if (c.granularity !== undefined) tokens.push(`gran=${c.granularity}`);
  if (c.offset !== undefined) tokens.push(`offset=${c.offset}`);
  if (c.length !== undefined) tokens.push(`length=${c.length}`);
  if (c.protection !== undefined) tokens.push(`prot=${c.protection}`);
  if (c.sharing !== undefined) tokens.push(`sharing=${c.sharing}`);
  if (c.reservation) {
    const r = c.reservation;
    tokens.push(`rsv=${r.size}`, `rsvoff=${r.offset}`);
    if (r.premaps.length > 0) {
      tokens.push(`premaps=${r.premaps.map((p) => `${p.offset}:${p.length}`).join(',')}`);
    }
    if (r.ops && r.ops.length > 0)
      tokens.push(`rsvops=${r.ops.map(encodeReservationOp).join(',')}`);
  }
  if (c.memOps && c.memOps.length > 0) tokens.push(`memops=${c.memOps.map(encodeMemOp).join(',')}`);
  if (c.forceGranularity !== undefined) {
    if (/\s/.test(c.forceGranularity))
      throw new Error('PMEM2_FORCE_GRANULARITY value with whitespace');
    tokens.push(`force=${c.forceGranularity}`);
  }
  return tokens.join(' ');
}

/** Parses one output line of the probe. */
export function decodeOutcome(line: string): Outcome {
  return JSON.parse(line) as Outcome;
}
