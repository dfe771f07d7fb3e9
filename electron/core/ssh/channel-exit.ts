import type { ClientChannel } from 'ssh2';

export interface ChannelExit {
  code: number | null;
  signal?: string;
}

const exits = new WeakMap<ClientChannel, ChannelExit>();
const watched = new WeakSet<ClientChannel>();

/**
 * Records the remote process's exit status from the moment the channel opens. ssh2 emits 'exit' as it parses the
 * packet, and a fast-failing command's status often arrives in the same read as the channel's confirmation:
 * a listener added after an await would miss it, and the end would be told as "closed the channel".
 */
export function recordExit(channel: ClientChannel): void {
  if (watched.has(channel)) return;
  watched.add(channel);
  channel.once('exit', (code: number | null, signal?: string) => {
    exits.set(channel, { code, signal: signal ?? undefined });
  });
}

/** The channel's exit status, once the remote sent it. */
export function exitOf(channel: ClientChannel): ChannelExit | undefined {
  return exits.get(channel);
}
