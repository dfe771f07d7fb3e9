import { PassThrough } from 'node:stream';
import type { Client, ClientChannel } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { ChannelEnd } from '../../electron/core/relay/ends/channel-end.js';
import { openOn } from '../../electron/core/ssh/connection-pool.js';

/** A channel as ssh2 hands it out: a duplex stream with stderr, events for exit and close. */
function fakeChannel(): ClientChannel {
  const channel = new PassThrough() as unknown as ClientChannel;
  (channel as unknown as { stderr: PassThrough }).stderr = new PassThrough();
  return channel;
}

describe('a remote command that fails at once', () => {
  it('is told by its exit code even when the status arrives in the same read as the channel confirmation', async () => {
    const channel = fakeChannel();
    // ssh2 parses every packet of one socket read synchronously: the exec callback, then exit-status, in one go.
    const client = {
      exec: (_command: string, callback: (error: Error | undefined, channel: ClientChannel) => void) => {
        callback(undefined, channel);
        channel.emit('exit', 127);
      },
    } as unknown as Client;
    const opened = await openOn(client, { mode: 'exec', command: 'no-such-mcp-server' });
    // The relay builds its end only after that await: the 'exit' event has gone by.
    const end = new ChannelEnd(opened);
    expect(end.describeEnd('me@box:22', 'remote command "no-such-mcp-server"')).toBe('remote command "no-such-mcp-server" not found on me@box:22 (exit code 127)');
  });
});
