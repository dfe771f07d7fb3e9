import { describe, expect, it } from 'vitest';
import { formatSchemaError, remoteSchema } from '../../shared/remote.js';

describe('remote schema', () => {
  it('fills OpenSSH-like defaults', () => {
    const r = remoteSchema.parse({ name: 'prod', host: 'prod.example.com', user: 'me' });
    expect(r).toMatchObject({ port: 22, mode: 'shell', hostKeyPolicy: 'ask', useAgent: true, identityFiles: [] });
  });

  it('refuses an exec remote without a command, a bad name and a bad port, each in words', () => {
    const bad = remoteSchema.safeParse({ name: 'has space', host: 'h', user: 'u', port: 70000, mode: 'exec' });
    expect(bad.success).toBe(false);
    const message = formatSchemaError(bad.error!);
    expect(message).toMatch(/name: use letters/);
    expect(message).toMatch(/port/);
    const noCommand = remoteSchema.safeParse({ name: 'a', host: 'h', user: 'u', mode: 'exec' });
    expect(formatSchemaError(noCommand.error!)).toBe('command: an exec remote needs a command');
  });
});

describe('host-key policy flags', () => {
  it('names the policies a person may choose, in one line', async () => {
    const { parseHostKeyPolicy } = await import('../../shared/host-key-policy.js');
    expect(parseHostKeyPolicy('accept-new')).toBe('accept-new');
    expect(() => parseHostKeyPolicy('insecure')).toThrow('unknown host-key policy "insecure" (use ask, strict or accept-new)');
  });
});
