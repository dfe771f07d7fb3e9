import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { editDistance, HelpRequested, nearestOption, parseCommandArgs } from '../../electron/cli/cli-args.js';
import { redactPassphrase } from '../../electron/cli/connect-command.js';
import { describeFileError } from '../../electron/core/file-errors.js';

const OPTIONS = { host: { type: 'string' }, port: { type: 'string' }, 'no-agent': { type: 'boolean' }, json: { type: 'boolean' } } as const;

describe('parseCommandArgs', () => {
  it('suggests the nearest option for a typo, and none for a different word', () => {
    expect(() => parseCommandArgs('remote add', ['--hots', 'h'], OPTIONS)).toThrow('remote add: unknown option --hots (did you mean --host?)');
    expect(() => parseCommandArgs('remote add', ['--prot', '1'], OPTIONS)).toThrow('(did you mean --port?)');
    expect(() => parseCommandArgs('remote add', ['--noagent'], OPTIONS)).toThrow('(did you mean --no-agent?)');
    expect(() => parseCommandArgs('remote add', ['--HOST', 'h'], OPTIONS)).toThrow('(did you mean --host?)');
    expect(() => parseCommandArgs('remote add', ['--verbose'], OPTIONS)).toThrow('remote add: unknown option --verbose (see burrow remote add --help)');
    expect(() => parseCommandArgs('remote add', ['-x'], OPTIONS)).toThrow('remote add: unknown option -x (see burrow remote add --help)');
  });

  it('says missing values and stray arguments in one line', () => {
    expect(() => parseCommandArgs('remote add', ['--host'], OPTIONS)).toThrow(/^remote add: --host needs a value$/);
    expect(() => parseCommandArgs('remote add', ['--host', '--port', '1'], OPTIONS)).toThrow('remote add: --host needs a value (to give one that starts with "-", write --host=VALUE)');
    expect(() => parseCommandArgs('remote add', ['--json=yes'], OPTIONS)).toThrow('remote add: --json takes no value');
    expect(() => parseCommandArgs('remote list', ['x'], OPTIONS, false)).toThrow('remote list: unexpected argument "x" (see burrow remote list --help)');
  });

  it('turns --help and -h into a help request, even beside other mistakes, only when it has a usage', () => {
    for (const args of [['--help'], ['-h'], ['--bogus', '-h'], ['NAME', '--help']]) {
      expect(() => parseCommandArgs('remote add', args, OPTIONS, true, 'usage: x')).toThrow(HelpRequested);
    }
    expect(() => parseCommandArgs('remote add', ['--help'], OPTIONS)).toThrow('unknown option --help');
    expect(parseCommandArgs('remote add', ['n', '--host', 'h'], OPTIONS, true, 'usage: x')).toMatchObject({ values: { host: 'h' }, positionals: ['n'] });
  });
});

describe('edit distance', () => {
  it('counts a swap of two letters as one edit', () => {
    expect(editDistance('hots', 'host')).toBe(1);
    expect(editDistance('host', 'host')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(nearestOption('--ky', ['key', 'known-hosts'])).toBe('key');
    expect(nearestOption('--zzz', ['key', 'host'])).toBeUndefined();
  });
});

describe('--passphrase in the process title', () => {
  it('is replaced by *** in both spellings, and nothing changes without it', () => {
    expect(redactPassphrase(['--host', 'h', '--passphrase', 'sesame', '--port', '22'])).toEqual(['--host', 'h', '--passphrase', '***', '--port', '22']);
    expect(redactPassphrase(['--passphrase=sesame'])).toEqual(['--passphrase=***']);
    expect(redactPassphrase(['--host', 'h', '--passphrase-file', '/p'])).toBeUndefined();
  });
});

describe('file errors in words', () => {
  const dir = mkdtempSync(join(tmpdir(), 'burrow-file-errors-'));
  const file = join(dir, 'f');
  writeFileSync(file, 'x');
  symlinkSync(join(dir, 'loop'), join(dir, 'loop'));
  const said = async (path: string) => describeFileError(await readFile(path).then(() => undefined, (e: unknown) => e), path);

  it('never shows an errno code', async () => {
    expect(await said(join(dir, 'missing'))).toBe(`no such file: ${join(dir, 'missing')}`);
    expect(await said(dir)).toBe(`${dir} is a folder, not a file`);
    expect(await said(join(file, 'below'))).toBe(`no such file: ${join(file, 'below')} (a part of the path is not a folder)`);
    expect(await said(join(dir, 'loop'))).toBe(`too many symbolic links (a link loop?): ${join(dir, 'loop')}`);
    expect(describeFileError(Object.assign(new Error("EACCES: permission denied, open '/x'"), { code: 'EACCES' }), '/x')).toBe('permission denied: /x');
    expect(describeFileError(Object.assign(new Error("EMFILE: too many open files, open '/x'"), { code: 'EMFILE' }), '/x')).toBe('too many open files: /x');
  });
});
