// errors.test.ts -- every typed error of the log, with its reason, code and advice

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Granularity } from '@pmem2/config';
import { isPmem2Error } from '@pmem2/errors';
import { describe, expect, it } from 'vitest';
import { isLogError, LinearLog, type LogErrorReason, RingLog } from '../src/index.js';
import { pwrite, scratchDir } from './helpers/files.js';

const path = scratchDir('errors');

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

function expectLogError(f: () => unknown, reason: LogErrorReason, code: string, advice: RegExp) {
  const error = thrown(f);
  expect(isLogError(error, reason), String(error)).toBe(true);
  expect(isPmem2Error(error)).toBe(true);
  expect((error as { code: string }).code).toBe(code);
  expect((error as Error).message).toMatch(advice);
}

/** A volatile stand-in for a mapping that claims `size` bytes over a 4 KiB buffer. */
function mapping(size: number) {
  return {
    size,
    storeGranularity: Granularity.BYTE,
    buffer: new ArrayBuffer(4096),
    persist() {},
    flush() {},
    drain() {},
    async persistAsync() {},
  };
}

describe('log errors', () => {
  it('append-recordLargerThanASegment-RECORD_TOO_LARGE', () => {
    const log = LinearLog.create(path('too-large'), { segmentSize: 4096 });
    expectLogError(
      () => log.append(new Uint8Array(4081)),
      'RECORD_TOO_LARGE',
      'PMEM2_E_LENGTH_OUT_OF_RANGE',
      /up to 4080 bytes; split the record/,
    );
    log.close();
  });

  it('append-linearLogAtItsMaxSize-LOG_FULL', () => {
    const log = LinearLog.create(path('max-size'), { segmentSize: 4096, maxSize: 8192 });
    log.append(new Uint8Array(4000));
    log.append(new Uint8Array(4000)); // fills segment 1
    expectLogError(
      () => log.append(new Uint8Array(4000)),
      'LOG_FULL',
      'ENOSPC',
      /maximum size of 2 segments.*larger maxSize/,
    );
    log.close();
  });

  it('everyCall-afterClose-LOG_CLOSED', () => {
    const log = LinearLog.create(path('closed'));
    log.close();
    log.close(); // closing twice is allowed
    for (const call of [
      () => log.append('x'),
      () => log.commit(),
      () => log.read(0),
      () => log.tail,
      () => [...log.records()],
    ]) {
      expectLogError(call, 'LOG_CLOSED', 'PMEM2_E_MAPPING_NOT_FOUND', /is closed; open it again/);
    }
    expect(log.closed).toBe(true);
  });

  it('append-afterClose-LOG_CLOSEDBeforeEveryOtherCheck', () => {
    const log = LinearLog.create(path('closed-first'), { segmentSize: 4096 });
    log.append(new Uint8Array(8));
    log.close();
    for (const data of [
      new Uint8Array(8), // would fit
      new Uint8Array(0),
      new Uint8Array(4081), // too large
      'x'.repeat(5000), // too large as text
      42 as unknown as string, // not a Uint8Array or string
    ]) {
      expectLogError(
        () => log.append(data),
        'LOG_CLOSED',
        'PMEM2_E_MAPPING_NOT_FOUND',
        /append: .* is closed/,
      );
    }
  });

  it('append-everyFailure-writesNothingAndTheLogGoesOn', () => {
    const file = path('failed-appends');
    const log = LinearLog.create(file, { segmentSize: 4096, maxSize: 4096 });
    const kept = log.append('kept');
    const tail = log.tail;
    expect(() => log.append(new Uint8Array(4081))).toThrow(/RECORD_TOO_LARGE|does not fit/);
    expect(() => log.append(42 as unknown as string)).toThrow(/Uint8Array or a string/);
    expect(() => log.append(new Uint8Array(4060))).toThrow(/maximum size/); // LOG_FULL
    expect(log.tail).toBe(tail);
    expect(log.pendingRecords).toBe(1);
    log.close();
    const again = LinearLog.open(file);
    expect([...again.records()].map((r) => r.position)).toEqual([kept]);
    again.close();
  });

  it('commitAsync-afterClose-rejectsWithLOG_CLOSED', async () => {
    const log = LinearLog.create(path('closed-async'));
    log.close();
    await expect(log.commitAsync()).rejects.toMatchObject({ reason: 'LOG_CLOSED' });
  });

  it('open-notALog-NOT_A_LOG', () => {
    const file = path('not-a-log');
    writeFileSync(file, Buffer.alloc(64 * 1024, 'x'));
    expectLogError(
      () => LinearLog.open(file),
      'NOT_A_LOG',
      'PMEM2_E_INVALID_FILE_TYPE',
      /create a log with LinearLog.create/,
    );
    writeFileSync(file, 'short');
    expectLogError(
      () => RingLog.open(file),
      'NOT_A_LOG',
      'PMEM2_E_INVALID_FILE_TYPE',
      /not a @pmem2\/log log/,
    );
  });

  it('open-theOtherShape-NOT_A_LOGNamingTheRightClass', () => {
    const file = path('ring-as-linear');
    RingLog.create(file).close();
    expectLogError(
      () => LinearLog.open(file),
      'NOT_A_LOG',
      'PMEM2_E_INVALID_FILE_TYPE',
      /is a ring; open it with RingLog.open/,
    );
  });

  it('open-newerFormatVersion-INCOMPATIBLE_VERSION', () => {
    const file = path('version');
    LinearLog.create(file).close();
    pwrite(file, new Uint8Array([2, 0, 0, 0]), 8);
    expectLogError(
      () => LinearLog.open(file),
      'INCOMPATIBLE_VERSION',
      'PMEM2_E_NOSUPP',
      /format version 2.*reads version 1/,
    );
  });

  it('open-damagedSuperblock-CORRUPT_HEADER', () => {
    const file = path('superblock');
    LinearLog.create(file).close();
    pwrite(file, new Uint8Array([0xee]), 20);
    expectLogError(
      () => LinearLog.open(file),
      'CORRUPT_HEADER',
      'EBADMSG',
      /fails its checksum.*restore it from a copy/,
    );
  });

  it('open-bothStateSlotsDamaged-CORRUPT_HEADER', () => {
    const file = path('slots');
    LinearLog.create(file).close();
    pwrite(file, new Uint8Array(32).fill(0xee), 512);
    pwrite(file, new Uint8Array(32).fill(0xee), 1024);
    expectLogError(() => LinearLog.open(file), 'CORRUPT_HEADER', 'EBADMSG', /neither state slot/);
  });

  it('open-oneStateSlotDamaged-usesTheOther', () => {
    const file = path('one-slot');
    const log = LinearLog.create(file);
    log.append('survives');
    log.close();
    pwrite(file, new Uint8Array(32).fill(0xee), 512);
    const again = LinearLog.open(file);
    expect(again.readString(0)).toBe('survives');
    again.close();
  });

  it('open-truncatedFile-CORRUPT_HEADER', () => {
    const file = path('truncated');
    LinearLog.create(file, { segmentSize: 8192 }).close();
    writeFileSync(file, readFileSync(file).subarray(0, 4096 + 100)); // the header and a little
    expectLogError(
      () => LinearLog.open(file),
      'CORRUPT_HEADER',
      'EBADMSG',
      /shorter than its header and first area/,
    );
  });

  it('read-positionsThatHoldNoRecord-BAD_POSITION', () => {
    const ring = RingLog.create(path('positions'));
    const a = ring.append('a');
    const b = ring.append('b');
    expectLogError(
      () => ring.read(a + 8),
      'BAD_POSITION',
      'PMEM2_E_OFFSET_OUT_OF_RANGE',
      /no live record starts at position 8/,
    );
    expectLogError(
      () => ring.read(ring.tail),
      'BAD_POSITION',
      'PMEM2_E_OFFSET_OUT_OF_RANGE',
      /use a position append returned/,
    );
    expectLogError(
      () => ring.read(-1),
      'BAD_POSITION',
      'PMEM2_E_OFFSET_OUT_OF_RANGE',
      /position -1/,
    );
    expectLogError(
      () => [...ring.records(3)],
      'BAD_POSITION',
      'PMEM2_E_OFFSET_OUT_OF_RANGE',
      /position 3/,
    );
    ring.trim(b);
    expectLogError(
      () => ring.read(a),
      'BAD_POSITION',
      'PMEM2_E_OFFSET_OUT_OF_RANGE',
      /live records are in/,
    );
    expectLogError(
      () => ring.trim(b + 8),
      'BAD_POSITION',
      'PMEM2_E_OFFSET_OUT_OF_RANGE',
      /no live record/,
    );
    ring.close();
  });

  it('badArguments-INVALID_ARGUMENT', () => {
    expectLogError(
      () => LinearLog.create(path('bad-seg'), { segmentSize: -1 }),
      'INVALID_ARGUMENT',
      'EINVAL',
      /segmentSize must be a positive integer/,
    );
    expect(existsSync(path('bad-seg'))).toBe(false);
    expectLogError(
      () => RingLog.create(path('bad-cap'), { capacity: 1.5 }),
      'INVALID_ARGUMENT',
      'EINVAL',
      /capacity must be a positive integer/,
    );
    expectLogError(
      () => LinearLog.create(path('bad-auto'), { autoCommit: { records: 0 } }),
      'INVALID_ARGUMENT',
      'EINVAL',
      /autoCommit.records/,
    );
    expect(existsSync(path('bad-auto'))).toBe(false);
    const log = LinearLog.create(path('bad-data'));
    expectLogError(
      () => log.append(42 as unknown as string),
      'INVALID_ARGUMENT',
      'EINVAL',
      /Uint8Array or a string/,
    );
    log.close();
  });

  it('areaOf4GiB-INVALID_ARGUMENTBeforeAnyFileOrMapping', () => {
    expectLogError(
      () => LinearLog.create(path('huge-segment'), { segmentSize: 2 ** 32 }),
      'INVALID_ARGUMENT',
      'EINVAL',
      /segment size of 4294967296 bytes is over the limit of 4294963200 bytes.*smaller segmentSize/,
    );
    expect(existsSync(path('huge-segment'))).toBe(false);
    expectLogError(
      () => RingLog.create(path('huge-ring'), { capacity: 2 ** 32 - 4095 }),
      'INVALID_ARGUMENT',
      'EINVAL',
      /ring capacity of 4294963201 bytes is over the limit.*smaller capacity/,
    );
    expect(existsSync(path('huge-ring'))).toBe(false);
    // mappings of one's own: checked before anything is written; the storage is closed
    for (const make of [LinearLog.format, RingLog.format]) {
      const header = mapping(4096);
      let closed = 0;
      const storage = { header, areas: [mapping(2 ** 32)], close: () => void closed++ };
      expectLogError(() => make(storage), 'INVALID_ARGUMENT', 'EINVAL', /under 4 GiB/);
      expect(closed).toBe(1);
      expect(new Uint8Array(header.buffer).some((b) => b !== 0)).toBe(false);
    }
  });

  it('areaAtTheLimit-accepted', () => {
    // only the size is checked against the limit here: the engine never touches a byte past
    // the first record of the (stand-in, 4 KiB) area
    const log = LinearLog.format({
      header: mapping(4096),
      areas: [mapping(2 ** 32 - 4096)],
      close() {},
    });
    expect(log.maxPayload).toBe(2 ** 32 - 4096 - 16);
    log.close();
  });

  it('create-existingPath-EEXISTAndTheFileIsKept', () => {
    const file = path('exists');
    writeFileSync(file, 'mine');
    const error = thrown(() => LinearLog.create(file));
    expect(isPmem2Error(error) && error.code).toBe('EEXIST');
    expect((error as Error).message).toMatch(/choose a new path, or open the existing log/);
    expect(existsSync(file)).toBe(true);
  });

  // A forced granularity would be granted: the refusal needs the real page-cache answer.
  it.skipIf(process.env.PMEM2_FORCE_GRANULARITY !== undefined)(
    'create-granularityTheFileCannotGive-mapNewErrorAndNoFileLeft',
    () => {
      const file = path('byte-on-page-cache');
      const error = thrown(() => LinearLog.create(file, { granularity: Granularity.BYTE }));
      expect(isPmem2Error(error) && error.code).toBe('PMEM2_E_GRANULARITY_NOT_SUPPORTED');
      expect(existsSync(file)).toBe(false);
    },
  );
});
