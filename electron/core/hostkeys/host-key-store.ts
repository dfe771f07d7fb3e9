import { appendFileSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ApprovedHostKey } from '../../../shared/api.js';
import { BurrowError } from '../errors.js';
import { describeFileError, errorCode, makeDir } from '../file-errors.js';
import { keyTypeOf, sha256Fingerprint, knownHostsName } from './fingerprint.js';
import {
  entryMatchesHost,
  formatKnownHostsLine,
  readKnownHostsFile,
  type KnownHostsEntry,
} from './known-hosts-file.js';

export interface KeyRef {
  keyType: string;
  fingerprint: string;
  file: string;
  lineNumber: number;
}

export type HostKeyVerdict =
  | { status: 'known'; match: KeyRef }
  | { status: 'unknown'; otherKeys: KeyRef[] }
  | { status: 'changed'; expected: KeyRef[] }
  | { status: 'revoked'; match: KeyRef }
  | { status: 'cert-authority'; match: KeyRef };

export type ApprovedKey = ApprovedHostKey;

const ref = (e: KnownHostsEntry): KeyRef => ({
  keyType: e.keyType,
  fingerprint: sha256Fingerprint(e.keyBlob),
  file: e.file,
  lineNumber: e.lineNumber,
});

/**
 * Host keys from the user's OpenSSH known_hosts files plus Burrow's own file of approvals.
 * Burrow's file is OpenSSH format too, so `ssh -o UserKnownHostsFile=` can read it; Burrow writes only it.
 */
export class HostKeyStore {
  constructor(private readonly burrowFile: string) {}

  verify(host: string, port: number, keyBlob: Buffer, userFiles: string[]): HostKeyVerdict {
    const entries = [...userFiles, this.burrowFile]
      .flatMap((f) => readKnownHostsFile(f))
      .filter((e) => entryMatchesHost(e, host, port));
    const presentedType = keyTypeOf(keyBlob);
    const revoked = entries.find((e) => e.marker === '@revoked' && e.keyBlob.equals(keyBlob));
    if (revoked) return { status: 'revoked', match: ref(revoked) };
    const plain = entries.filter((e) => !e.marker);
    const same = plain.find((e) => e.keyBlob.equals(keyBlob));
    if (same) return { status: 'known', match: ref(same) };
    const sameType = plain.filter((e) => e.keyType === presentedType);
    if (sameType.length > 0) return { status: 'changed', expected: sameType.map(ref) };
    const ca = entries.find((e) => e.marker === '@cert-authority');
    if (ca && plain.length === 0) return { status: 'cert-authority', match: ref(ca) };
    return { status: 'unknown', otherKeys: plain.map(ref) };
  }

  approve(host: string, port: number, keyBlob: Buffer, source = 'ssh'): void {
    const comment = `burrow-approved=${new Date().toISOString()},source=${source}`;
    try {
      makeDir(dirname(this.burrowFile), 0o700);
      appendFileSync(this.burrowFile, `${formatKnownHostsLine(host, port, keyBlob, comment)}\n`, { mode: 0o600 });
    } catch (error) {
      throw this.writeError(error);
    }
  }

  private writeError(error: unknown): BurrowError {
    return new BurrowError(describeFileError(error, this.burrowFile, "write Burrow's known_hosts file"), 'host-key');
  }

  /** Removes Burrow's approvals for host:port; the user's own known_hosts is never touched. */
  forget(host: string, port: number): number {
    let text: string;
    try {
      text = readFileSync(this.burrowFile, 'utf8');
    } catch (error) {
      if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return 0;
      throw new BurrowError(describeFileError(error, this.burrowFile, 'read known_hosts file'), 'host-key');
    }
    const lines = text.split('\n');
    const name = knownHostsName(host, port);
    const kept = lines.filter((l) => l.split(/\s+/)[0] !== name);
    const removed = lines.length - kept.length;
    if (removed > 0) {
      const tmp = `${this.burrowFile}.tmp`;
      try {
        writeFileSync(tmp, kept.join('\n'), { mode: 0o600 });
        renameSync(tmp, this.burrowFile);
      } catch (error) {
        throw this.writeError(error);
      }
    }
    return removed;
  }

  listApproved(): ApprovedKey[] {
    return readKnownHostsFile(this.burrowFile).map((e) => {
      const m = /^\[(.+)\]:(\d+)$/.exec(e.hostPatterns);
      const meta = Object.fromEntries(
        e.comment.split(',').map((kv) => kv.split('=', 2) as [string, string]).filter((kv) => kv.length === 2),
      );
      return {
        host: m ? m[1] : e.hostPatterns,
        port: m ? Number(m[2]) : 22,
        keyType: e.keyType,
        fingerprint: sha256Fingerprint(e.keyBlob),
        firstSeen: meta['burrow-approved'],
        source: meta.source,
      };
    });
  }
}
