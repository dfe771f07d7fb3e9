import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApprovalBroker } from '../../electron/core/approvals/approval-broker.js';
import { AuditLog } from '../../electron/core/audit/audit-log.js';
import { keyTypeOf, sha256Fingerprint } from '../../electron/core/hostkeys/fingerprint.js';
import { HostKeyStore } from '../../electron/core/hostkeys/host-key-store.js';
import { makeHostKeyVerifier } from '../../electron/core/hostkeys/host-key-verifier.js';
import { entryMatchesHost, parseKnownHosts } from '../../electron/core/hostkeys/known-hosts-file.js';
import { silentLogger } from '../../electron/core/logging/logger.js';
import type { HostKeyPolicy } from '../../shared/remote.js';

const dir = mkdtempSync(join(tmpdir(), 'burrow-kh-'));

/** A real key pair from ssh-keygen; returns the public line and its blob. */
function makeKey(name: string, type: string): { line: string; blob: Buffer; path: string } {
  const path = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', path, '-C', name]);
  const line = readFileSync(`${path}.pub`, 'utf8').trim();
  return { line: line.split(/\s+/).slice(0, 2).join(' '), blob: Buffer.from(line.split(/\s+/)[1], 'base64'), path };
}

const ed = makeKey('ed', 'ed25519');
const ed2 = makeKey('ed2', 'ed25519');
const rsa = makeKey('rsa', 'rsa');
const ecdsa = makeKey('ecdsa', 'ecdsa');

function knownHosts(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const store = () => new HostKeyStore(join(mkdtempSync(join(dir, 'home-')), 'known_hosts'));

describe('fingerprints', () => {
  it('match ssh-keygen -lf for ed25519, ecdsa and rsa keys', () => {
    for (const key of [ed, rsa, ecdsa]) {
      const printed = execFileSync('ssh-keygen', ['-lf', `${key.path}.pub`], { encoding: 'utf8' });
      expect(printed.split(' ')[1]).toBe(sha256Fingerprint(key.blob));
    }
    expect(keyTypeOf(ecdsa.blob)).toBe('ecdsa-sha2-nistp256');
  });
});

describe('known_hosts matching', () => {
  it('matches plain names, [host]:port for other ports, and nothing else', () => {
    const file = knownHosts('plain', `# comment\n\nexample.com ${ed.line}\n[127.0.0.1]:2222 ${rsa.line}\n`);
    const s = store();
    expect(s.verify('example.com', 22, ed.blob, [file]).status).toBe('known');
    expect(s.verify('EXAMPLE.com', 22, ed.blob, [file]).status).toBe('known');
    expect(s.verify('example.com', 2222, ed.blob, [file]).status).toBe('unknown');
    expect(s.verify('127.0.0.1', 2222, rsa.blob, [file]).status).toBe('known');
    expect(s.verify('127.0.0.1', 22, rsa.blob, [file]).status).toBe('unknown');
    expect(s.verify('other.example.com', 22, ed.blob, [file]).status).toBe('unknown');
  });

  it('matches hashed lines made by ssh-keygen -H', () => {
    const file = knownHosts('hashed', `example.com ${ed.line}\n[127.0.0.1]:2222 ${rsa.line}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('example.com');
    expect(text).toMatch(/^\|1\|/m);
    const s = store();
    expect(s.verify('example.com', 22, ed.blob, [file]).status).toBe('known');
    expect(s.verify('127.0.0.1', 2222, rsa.blob, [file]).status).toBe('known');
    expect(s.verify('127.0.0.1', 2223, rsa.blob, [file]).status).toBe('unknown');
    expect(s.verify('example.org', 22, ed.blob, [file]).status).toBe('unknown');
  });

  it('keeps several keys and types per host: a known one passes, a new type is unknown, a new key of a known type has changed', () => {
    const file = knownHosts('multi', `example.com ${ed.line}\nexample.com,10.0.0.1 ${rsa.line}\n`);
    const s = store();
    expect(s.verify('example.com', 22, rsa.blob, [file]).status).toBe('known');
    expect(s.verify('10.0.0.1', 22, rsa.blob, [file]).status).toBe('known');
    expect(s.verify('example.com', 22, ed.blob, [file]).status).toBe('known');
    const unknown = s.verify('example.com', 22, ecdsa.blob, [file]);
    expect(unknown.status).toBe('unknown');
    const changed = s.verify('example.com', 22, ed2.blob, [file]);
    expect(changed).toMatchObject({ status: 'changed', expected: [{ fingerprint: sha256Fingerprint(ed.blob), lineNumber: 1, file }] });
  });

  it('refuses a key marked @revoked even when a plain line lists it too', () => {
    const file = knownHosts('revoked', `example.com ${ed.line}\n@revoked * ${ed.line}\n`);
    expect(store().verify('example.com', 22, ed.blob, [file])).toMatchObject({ status: 'revoked', match: { lineNumber: 2 } });
  });

  it('recognises @cert-authority lines (certificates are not supported yet)', () => {
    const file = knownHosts('ca', `@cert-authority *.example.com ${rsa.line}\n`);
    expect(store().verify('a.example.com', 22, ed.blob, [file])).toMatchObject({ status: 'cert-authority', match: { lineNumber: 1 } });
  });

  it('follows wildcards and negation as OpenSSH does', () => {
    const [entry] = parseKnownHosts(`*.example.com,!bad.example.com,host?.lan ${ed.line}\n`, 'x');
    expect(entryMatchesHost(entry, 'a.example.com', 22)).toBe(true);
    expect(entryMatchesHost(entry, 'bad.example.com', 22)).toBe(false);
    expect(entryMatchesHost(entry, 'example.com', 22)).toBe(false);
    expect(entryMatchesHost(entry, 'host1.lan', 22)).toBe(true);
    expect(entryMatchesHost(entry, 'host12.lan', 22)).toBe(false);
    const [ported] = parseKnownHosts(`[*.example.com]:2222 ${ed.line}\n`, 'x');
    expect(entryMatchesHost(ported, 'a.example.com', 2222)).toBe(true);
    expect(entryMatchesHost(ported, 'a.example.com', 22)).toBe(false);
  });

  it('skips lines whose key does not parse or whose type does not match its blob', () => {
    const entries = parseKnownHosts(`example.com ssh-rsa ${ed.line.split(' ')[1]}\nexample.com ssh-ed25519 !!!\n@unknown example.com ${ed.line}\n`, 'x');
    expect(entries).toHaveLength(0);
  });
});

describe("Burrow's own approvals", () => {
  it('writes only its own file, lists what it approved with source and time, and forgets by host:port', () => {
    const s = store();
    s.approve('127.0.0.1', 2222, ed.blob, 'key-server-http');
    s.approve('example.com', 22, rsa.blob);
    expect(s.verify('127.0.0.1', 2222, ed.blob, []).status).toBe('known');
    const listed = s.listApproved();
    expect(listed).toHaveLength(2);
    expect(listed[0]).toMatchObject({ host: '127.0.0.1', port: 2222, keyType: 'ssh-ed25519', fingerprint: sha256Fingerprint(ed.blob), source: 'key-server-http' });
    expect(Date.parse(listed[0].firstSeen!)).not.toBeNaN();
    expect(s.forget('127.0.0.1', 2222)).toBe(1);
    expect(s.verify('127.0.0.1', 2222, ed.blob, []).status).toBe('unknown');
    expect(s.verify('example.com', 22, rsa.blob, []).status).toBe('known');
  });
});

describe('the host key verifier', () => {
  const verifier = (policy: HostKeyPolicy, userFiles: string[], broker = new ApprovalBroker(), s = store()) =>
    makeHostKeyVerifier({
      store: s,
      broker,
      audit: new AuditLog(undefined),
      logger: silentLogger,
      policy,
      host: 'example.com',
      port: 2222,
      userFiles,
      remoteName: 'prod',
      approvalTimeoutMs: 200,
      onStatus: () => {},
    });

  it('refuses a changed key under every policy but insecure, names both fingerprints and the line, and raises an alert', async () => {
    const file = knownHosts('changed', `[example.com]:2222 ${ed.line}\n`);
    for (const policy of ['strict', 'accept-new', 'ask'] as const) {
      const broker = new ApprovalBroker();
      const alerts: unknown[] = [];
      broker.events.on('host-key-alert', ({ alert }) => alerts.push(alert));
      const decision = await verifier(policy, [file], broker)(ed2.blob);
      expect(decision.ok).toBe(false);
      const message = (decision as { message: string }).message;
      expect(message).toContain('Host key verification failed.');
      expect(message).toContain('[example.com]:2222');
      expect(message).toContain(sha256Fingerprint(ed.blob));
      expect(message).toContain(sha256Fingerprint(ed2.blob));
      expect(message).toContain(`${file}:1`);
      expect(broker.pending()).toHaveLength(0);
      expect(alerts).toHaveLength(1);
      expect(broker.alerts()[0]).toMatchObject({
        host: 'example.com',
        port: 2222,
        remote: 'prod',
        offeredType: 'ssh-ed25519',
        offeredFingerprint: sha256Fingerprint(ed2.blob),
        expectedFingerprint: sha256Fingerprint(ed.blob),
        knownAt: `${file}:1`,
        source: 'ssh',
      });
      expect(broker.dismissAlert(broker.alerts()[0].id)).toBe(true);
      expect(broker.alerts()).toHaveLength(0);
    }
    expect((await verifier('insecure', [file])(ed2.blob)).ok).toBe(true);
  });

  it('says @cert-authority is not supported yet, and refuses @revoked', async () => {
    const ca = knownHosts('ca2', `@cert-authority [example.com]:2222 ${rsa.line}\n`);
    const d = await verifier('strict', [ca])(ed.blob);
    expect(d).toMatchObject({ ok: false, message: expect.stringContaining('not supported yet') });
    const revoked = knownHosts('rev2', `@revoked [example.com]:2222 ${ed.line}\n`);
    expect(await verifier('accept-new', [revoked])(ed.blob)).toMatchObject({ ok: false, message: expect.stringContaining('@revoked') });
  });

  it('pins a key-server key on first use under strict, and refuses a different one later', async () => {
    const s = store();
    const empty = knownHosts('empty', '');
    expect((await verifier('strict', [empty], new ApprovalBroker(), s)(ed.blob, 'key-server-http')).ok).toBe(true);
    expect(s.listApproved()[0]).toMatchObject({ source: 'key-server-http', fingerprint: sha256Fingerprint(ed.blob) });
    const later = await verifier('strict', [empty], new ApprovalBroker(), s)(ed2.blob, 'key-server-http');
    expect(later).toMatchObject({ ok: false, message: expect.stringContaining('CHANGED: the key server (plain HTTP) served') });
    // The same unknown key over SSH alone is not trusted under strict.
    expect((await verifier('strict', [empty])(ed.blob)).ok).toBe(false);
  });

  it('under ask, refuses the handshake at once, then waits in the queue with the source, and gives up after the timeout', async () => {
    const broker = new ApprovalBroker();
    const empty = knownHosts('empty2', '');
    // The handshake is never held open while a person decides: the key is refused now and asked about after close.
    const decision = await verifier('ask', [empty], broker)(ed.blob, 'key-server-https');
    expect(decision).toMatchObject({ ok: false, message: expect.stringContaining('waits for approval') });
    expect(broker.pending()).toHaveLength(0);
    const waiting = (decision as { askAfterClose: () => Promise<{ ok: boolean }> }).askAfterClose();
    expect(broker.pending()).toMatchObject([{ kind: 'host-key', host: 'example.com', port: 2222, fingerprint: sha256Fingerprint(ed.blob), source: 'key-server-https', remote: 'prod' }]);
    expect(await waiting).toMatchObject({ ok: false, message: expect.stringContaining('was not approved within 200 ms') });
    expect(broker.pending()).toHaveLength(0);
  });
});
