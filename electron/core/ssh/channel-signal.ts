import type { ClientChannel } from 'ssh2';

/**
 * Sends a `signal` channel request (OpenSSH >= 7.9 delivers it to the command's process group). ssh2 1.17's
 * `channel.signal()` silently drops it once stdin is ended (it checks `writable`), yet RFC 4254 allows requests
 * after EOF and our commands always get EOF on stdin first: so send it through the protocol object, as
 * channel.signal() itself does, while the channel is open.
 */
export function sendSignal(channel: ClientChannel, name: string): void {
  const ch = channel as unknown as { outgoing?: { id: number; state: string }; _client?: { _protocol?: { signal(id: number, sig: string): void } } };
  const protocol = ch._client?._protocol;
  if (ch.outgoing && (ch.outgoing.state === 'open' || ch.outgoing.state === 'eof') && protocol) protocol.signal(ch.outgoing.id, name);
  else channel.signal(name);
}
