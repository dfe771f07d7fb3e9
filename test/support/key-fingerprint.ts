import { execFileSync } from 'node:child_process';

/** The SHA256:… fingerprint ssh-keygen prints for a public key file: what a person compares in a host-key dialog. */
export function keyFingerprint(pubFile: string): string {
  return execFileSync('ssh-keygen', ['-lf', pubFile], { encoding: 'utf8' }).split(/\s+/)[1];
}
