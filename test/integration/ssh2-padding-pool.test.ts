import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, sshdAvailable, startSshd, type SshdFixture } from '../support/sshd.js';

/**
 * The engine's ssh2 takes each packet's random padding from a pool (electron/core/ssh/ssh2-library.ts), and
 * nothing else in the process does. Run in a fresh Node process: the pool only takes when ssh2 is first loaded
 * through the library, and a test worker may have loaded ssh2 already.
 */
const LIBRARY = join(REPO, 'dist/electron/core/ssh/ssh2-library.js');
const POOL = join(REPO, 'dist/electron/core/ssh/padding-pool.js');

const script = `
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
const before = crypto.randomFillSync;
const { default: ssh2 } = await import(${JSON.stringify(LIBRARY)});
const { paddingPoolCounts } = await import(${JSON.stringify(POOL)});
const restored = crypto.randomFillSync === before;
const [port, username, key] = process.argv.slice(1);
const client = new ssh2.Client();
const output = await new Promise((resolve, reject) => {
  client.on('error', reject).on('ready', () => client.exec('anything', (error, channel) => {
    if (error) return reject(error);
    let text = '';
    channel.on('data', (d) => (text += d)).on('close', () => { client.end(); resolve(text); });
  })).connect({ host: '127.0.0.1', port: Number(port), username, privateKey: readFileSync(key) });
});
process.stdout.write(JSON.stringify({ restored, output, ...paddingPoolCounts() }));
`;

describe.skipIf(!sshdAvailable())("ssh2's packet padding", () => {
  let sshd: SshdFixture;
  beforeAll(async () => {
    sshd = await startSshd({ forcedCommand: 'echo through the pool' });
  });
  afterAll(() => sshd?.stop());

  it('comes from the pool over a real SSH session, and node:crypto is left as it was', () => {
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script, String(sshd.port), sshd.user, sshd.clientKey], { encoding: 'utf8', timeout: 30_000 });
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as { restored: boolean; output: string; pooledFills: number; refills: number };
    expect(result.output).toBe('through the pool\n');
    expect(result.restored).toBe(true);
    // Every packet after the key exchange: the service request, auth, channel open, exec, EOF, close.
    expect(result.pooledFills).toBeGreaterThan(5);
    expect(result.refills).toBeGreaterThanOrEqual(1);
  });
});
