import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { describe, expect, it } from 'vitest';
// The compiled modules: decryption runs in a worker thread, which needs the built .js next to it (npm test builds first).
import type * as AuthPlanModule from '../../electron/core/ssh/auth-plan.js';
import { generateEd25519Pair } from '../../electron/core/ssh/key-generator.js';

// @ts-expect-error -- dist/ has no declarations; its types are the source module's.
const { buildAuthPlan, loadPrivateKey } = (await import('../../dist/electron/core/ssh/auth-plan.js')) as typeof AuthPlanModule;

const dir = mkdtempSync(join(tmpdir(), 'burrow-auth-'));

function keygen(name: string, type: string, passphrase = '', extra: string[] = []): string {
  const path = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', passphrase, '-f', path, '-C', name, ...extra]);
  return path;
}

const publicBlob = (path: string) => Buffer.from(readFileSync(`${path}.pub`, 'utf8').split(/\s+/)[1], 'base64');

/** The loaded key must be usable: its signature verifies against the .pub that ssh-keygen wrote. */
function expectSameKeyPair(key: ssh2.ParsedKey, path: string): void {
  expect(key.isPrivateKey()).toBe(true);
  expect(key.getPublicSSH().equals(publicBlob(path))).toBe(true);
  const data = Buffer.from('burrow signs this');
  const signature = key.sign(data) as Buffer;
  const pub = ssh2.utils.parseKey(readFileSync(`${path}.pub`)) as ssh2.ParsedKey;
  expect(pub.verify(data, signature)).toBe(true);
}

const PASS = 'correct horse';

const cases: { name: string; type: string; extra: string[] }[] = [
  { name: 'ed25519', type: 'ed25519', extra: [] },
  { name: 'ecdsa', type: 'ecdsa', extra: [] },
  { name: 'rsa', type: 'rsa', extra: ['-b', '2048'] },
  { name: 'ecdsa-pem', type: 'ecdsa', extra: ['-m', 'PEM'] },
  { name: 'rsa-pem', type: 'rsa', extra: ['-b', '2048', '-m', 'PEM'] },
];

describe('private keys', () => {
  for (const c of cases) {
    it(`loads ${c.name} without and with a passphrase, and tells a wrong or missing passphrase apart`, async () => {
      const plain = keygen(`${c.name}-plain`, c.type, '', c.extra);
      expectSameKeyPair(await loadPrivateKey(plain, readFileSync(plain)), plain);
      if (c.extra.includes('PEM')) expect(readFileSync(plain, 'utf8')).toMatch(/^-----BEGIN (EC|RSA) PRIVATE KEY-----/);

      // Few bcrypt rounds keep the test quick; the slow-decryption test below uses more.
      const enc = keygen(`${c.name}-enc`, c.type, PASS, c.extra.includes('PEM') ? c.extra : [...c.extra, '-a', '4']);
      const data = readFileSync(enc);
      expectSameKeyPair(await loadPrivateKey(enc, data, PASS), enc);
      await expect(loadPrivateKey(enc, data, 'not it')).rejects.toThrow(`cannot decrypt key ${enc}: wrong passphrase`);
      await expect(loadPrivateKey(enc, data)).rejects.toThrow(`cannot use key ${enc}: it needs a passphrase`);
      // Asked for (a terminal, the app) when none was given.
      const asked: string[] = [];
      const key = await loadPrivateKey(enc, data, undefined, async (label) => {
        asked.push(label);
        return PASS;
      });
      expectSameKeyPair(key, enc);
      expect(asked).toEqual([enc]);
    });
  }

  it('decrypts off the main thread: timers keep firing during bcrypt-pbkdf', async () => {
    const slow = keygen('slow', 'ed25519', PASS, ['-a', '24']);
    let last = Date.now();
    let worstGap = 0;
    const tick = setInterval(() => {
      const now = Date.now();
      worstGap = Math.max(worstGap, now - last);
      last = now;
    }, 5);
    const started = Date.now();
    await loadPrivateKey(slow, readFileSync(slow), PASS);
    const took = Date.now() - started;
    clearInterval(tick);
    // The decryption itself is slow (hundreds of ms); the event loop never stalls for it meanwhile. On the main
    // thread the worst gap would be about the whole decryption; on a busy machine timers still lag a little.
    expect(took).toBeGreaterThan(300);
    expect(worstGap).toBeLessThan(Math.max(150, took / 3));
  });

  it('says what is wrong with a file that is not a private key', async () => {
    const k = keygen('pubonly', 'ed25519');
    await expect(loadPrivateKey(`${k}.pub`, readFileSync(`${k}.pub`))).rejects.toThrow('is a public key; give the private key file');
    await expect(loadPrivateKey('/x/garbage', Buffer.from('hello'))).rejects.toThrow('cannot read key /x/garbage');
  });
});

describe('the authentication plan', () => {
  it('offers keys in the given order, skips missing default keys, and says why a default key was left out', async () => {
    const a = keygen('order-a', 'ed25519');
    const b = keygen('order-b', 'rsa', '', ['-b', '2048']);
    const locked = keygen('order-locked', 'ed25519', PASS);
    const warnings: string[] = [];
    const plan = await buildAuthPlan(
      {
        identityFiles: [
          { path: b, explicit: false },
          { path: join(dir, 'missing'), explicit: false },
          { path: locked, explicit: false },
          { path: a, explicit: false },
        ],
        useAgent: true,
        agentSocket: '/tmp/agent.sock',
      },
      (m) => warnings.push(m),
    );
    expect(plan.keys.map((k) => k.label)).toEqual([b, a]);
    expect(plan.notes).toEqual([`cannot use key ${locked}: it needs a passphrase (--passphrase-file PATH or $BURROW_PASSPHRASE, or load it into ssh-agent with ssh-add)`]);
    expect(plan.agentSocket).toBe('/tmp/agent.sock');
    expect(warnings).toEqual([]);
  });

  it('fails at once on an explicit key it cannot use', async () => {
    await expect(buildAuthPlan({ identityFiles: [{ path: join(dir, 'nope'), explicit: true }], useAgent: false }, () => {})).rejects.toThrow(`cannot read key ${join(dir, 'nope')}: no such file`);
    const locked = keygen('explicit-locked', 'ecdsa', PASS);
    await expect(buildAuthPlan({ identityFiles: [{ path: locked, explicit: true }], passphrase: 'wrong one', useAgent: false }, () => {})).rejects.toThrow(
      `cannot decrypt key ${locked}: wrong passphrase`,
    );
  });

  it("gives OpenSSH's warning for a private key others can read", async () => {
    const k = keygen('open', 'ed25519');
    chmodSync(k, 0o644);
    const warnings: string[] = [];
    const plan = await buildAuthPlan({ identityFiles: [{ path: k, explicit: true }], useAgent: false }, (m) => warnings.push(m));
    expect(plan.keys).toHaveLength(1);
    expect(warnings).toEqual([
      `WARNING: UNPROTECTED PRIVATE KEY FILE! Permissions 0644 for '${k}' are too open. It is required that your private key files are NOT accessible by others (chmod 600 ${k}).`,
    ]);
  });
});

describe('generated ed25519 keys', () => {
  it('always read back, by ssh2 and as OpenSSH lines (ssh2 alone makes about 1 in 250 with a 31-byte public key)', () => {
    // 1500 pairs: with ssh2's generator alone, the chance that all of them read back is about 0.2 %.
    for (let i = 0; i < 1500; i++) {
      const pair = generateEd25519Pair('check');
      const pub = ssh2.utils.parseKey(Buffer.from(pair.public));
      const priv = ssh2.utils.parseKey(Buffer.from(pair.private));
      expect(pub).not.toBeInstanceOf(Error);
      expect(priv).not.toBeInstanceOf(Error);
      expect(Buffer.from(pair.public.split(' ')[1], 'base64')).toHaveLength(51);
    }
  });
});
