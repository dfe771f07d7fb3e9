import { describe, expect, it } from 'vitest';
import type { PendingApproval } from '../../shared/approvals.js';
import { remoteItems, toolCallItems } from '../../electron/cli/waiting-notices.js';

const at = (ms: number) => new Date(ms).toISOString();
const toolCall = (tool: string, client: string, requestedAt: number): PendingApproval => ({
  id: `${tool}-${client}-${requestedAt}`, kind: 'tool-call', remote: 'box', tool, client, detail: 'uname', reason: 'policy of box asks before ssh_execute', requestedAt: at(requestedAt),
});
const hostKey = (remote: string): PendingApproval => ({
  id: `key-${remote}`, kind: 'host-key', remote, host: '127.0.0.1', port: 22, keyType: 'ssh-ed25519', fingerprint: 'SHA256:x', requestedAt: at(0), source: 'ssh',
});

describe('which waiting items a command says (or asks at its terminal)', () => {
  it('burrow call @tools: only its own call (the inspector, that tool, asked after it began), and for ssh_connect its remote', () => {
    const started = 10_000;
    const execute = toolCallItems('ssh_execute', { session_id: 's-1', command: 'uname' }, started);
    expect(execute(toolCall('ssh_execute', 'burrow-inspector', started + 5))).toBe(true);
    // Not an MCP host's call, not one already waiting before the command began, not another tool's.
    expect(execute(toolCall('ssh_execute', 'claude-ai', started + 5))).toBe(false);
    expect(execute(toolCall('ssh_execute', 'burrow-inspector', started - 5))).toBe(false);
    expect(execute(toolCall('ssh_upload_file', 'burrow-inspector', started + 5))).toBe(false);
    // No host key or passphrase of any remote: what it waits on is its own call.
    expect(execute(hostKey('box'))).toBe(false);
    const connect = toolCallItems('ssh_connect', { remote: 'box' }, started);
    expect(connect(hostKey('box'))).toBe(true);
    expect(connect(hostKey('lab'))).toBe(false);
  });

  it('a relayed remote: its own host key and secrets, never a tool call', () => {
    expect(remoteItems('box')(hostKey('box'))).toBe(true);
    expect(remoteItems('box')(hostKey('lab'))).toBe(false);
    expect(remoteItems('box')(toolCall('ssh_execute', 'burrow-inspector', 1))).toBe(false);
  });
});
