import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../electron/core/audit/audit-log.js';
import { describeFileError, makeDir } from '../../electron/core/file-errors.js';
import { createLogger, dailyFileSink } from '../../electron/core/logging/logger.js';

const root = mkdtempSync(join(tmpdir(), 'burrow-file-errors-'));
let n = 0;
const fresh = () => {
  const dir = join(root, `case-${++n}`);
  mkdirSync(dir);
  return dir;
};

/** The error Node really throws for `act`, so the words are checked against the real codes. */
function thrown(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('describeFileError', () => {
  it('a directory where a file is read', () => {
    const dir = fresh();
    const error = thrown(() => readFileSync(dir));
    expect(describeFileError(error, dir, 'read known_hosts file')).toBe(`cannot read known_hosts file ${dir}: it is a directory`);
  });

  it('a missing file, and a missing folder on the way', () => {
    const dir = fresh();
    expect(describeFileError(thrown(() => readFileSync(join(dir, 'x'))), join(dir, 'x'), 'read the settings file')).toBe(`cannot read the settings file ${join(dir, 'x')}: it does not exist`);
    const deep = join(dir, 'a', 'b', 'x');
    expect(describeFileError(thrown(() => readFileSync(deep)), deep, 'read the settings file')).toBe(`cannot read the settings file ${deep}: its folder ${join(dir, 'a', 'b')} does not exist`);
  });

  it('a file in the way of a folder (ENOTDIR) is named', () => {
    const file = join(fresh(), 'plain');
    writeFileSync(file, '');
    const below = join(file, 'home', 'settings.json');
    expect(describeFileError(thrown(() => readFileSync(below)), below, 'read the settings file')).toBe(`cannot read the settings file ${below}: ${file} is a file, not a folder`);
  });

  it('permission, read-only and full disks in words, never codes', () => {
    const err = (code: string) => Object.assign(new Error(`${code}: something, open '/x'`), { code });
    expect(describeFileError(err('EACCES'), '/x', 'write the log file')).toBe('cannot write the log file /x: permission denied (check the owner and mode of it and of its folders)');
    expect(describeFileError(err('EPERM'), '/x', 'write the log file')).toContain('permission denied');
    expect(describeFileError(err('EROFS'), '/x', 'write the log file')).toBe('cannot write the log file /x: the file system is read-only');
    expect(describeFileError(err('ENOSPC'), '/x', 'write the log file')).toBe('cannot write the log file /x: no space left on the device');
    expect(describeFileError(err('EIO'), '/x', 'write the log file')).toBe('cannot write the log file /x: something, open \'/x\'');
  });
});

describe('makeDir', () => {
  it('creates every missing level 0700, and accepts one that exists', () => {
    const base = fresh();
    const deep = join(base, 'a', 'b');
    makeDir(deep);
    expect(statSync(join(base, 'a')).mode & 0o777).toBe(0o700);
    expect(statSync(deep).mode & 0o777).toBe(0o700);
    makeDir(deep);
  });

  it('throws ENOTDIR when a file is in the way (Node says ENOENT or EEXIST)', () => {
    const file = join(fresh(), 'plain');
    writeFileSync(file, '');
    expect(thrown(() => makeDir(join(file, 'x')))).toMatchObject({ code: 'ENOTDIR' });
    expect(thrown(() => makeDir(file))).toMatchObject({ code: 'ENOTDIR' });
  });
});

describe('log files that cannot be written never stop the work', () => {
  it('the daily file sink warns once, naming the file in the way, and the other sinks go on', () => {
    const file = join(fresh(), 'plain');
    writeFileSync(file, '');
    const warnings: string[] = [];
    const seen: string[] = [];
    const logger = createLogger([dailyFileSink(join(file, 'logs'), 'info', 'daemon', (line) => warnings.push(line)), { level: 'info', write: (_l, line) => seen.push(line) }]);
    logger.info('one');
    logger.info('two');
    logger.warn('three');
    expect(seen).toEqual(['one', 'two', 'three']);
    expect(warnings).toEqual([`cannot create the log folder ${join(file, 'logs')}: ${file} is a file, not a folder; going on without a log file`]);
  });

  it('the daily file sink writes a 0600 file in a 0700 folder', async () => {
    const dir = join(fresh(), 'logs');
    const logger = createLogger([dailyFileSink(dir, 'info', 'daemon', (line) => expect.fail(line))]);
    logger.info('hello');
    const name = `daemon-${new Date().toISOString().slice(0, 10)}.log`;
    const deadline = Date.now() + 5000;
    while (!readdirSync(dir).includes(name) || !readFileSync(join(dir, name), 'utf8').includes('hello')) {
      if (Date.now() > deadline) throw new Error('the log line was not written');
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);
  });

  it('the connection audit log warns once and does not throw', () => {
    const file = join(fresh(), 'plain');
    writeFileSync(file, '');
    const warnings: string[] = [];
    const audit = new AuditLog(join(file, 'logs'), (line) => warnings.push(line));
    for (let i = 0; i < 3; i++) audit.record({ event: 'connect', remote: 'r', address: 'h:22', ok: true });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`^cannot write the audit log .*: ${file} is a file, not a folder; going on without it$`));
  });
});
