import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import type { PortForward } from './port-forwards.js';
import type { PtyShell } from './pty-shell.js';

/** Sessions per pooled client, so one `close` listener serves them all (many sessions share one connection). */
const sessionsOfClient = new WeakMap<Client, Set<ToolSession>>();

function watch(client: Client, session: ToolSession): void {
  let set = sessionsOfClient.get(client);
  if (!set) {
    const sessions = new Set<ToolSession>();
    set = sessions;
    sessionsOfClient.set(client, sessions);
    client.once('close', () => {
      sessionsOfClient.delete(client);
      for (const s of sessions) {
        s.lost = `the connection to ${s.remote} was lost: ssh_connect again`;
        s.onLost?.();
      }
    });
  }
  set.add(session);
}

/**
 * One `ssh_connect`: a saved remote's pooled connection lent to this host session, and everything opened on it
 * (exec channels, shells, one SFTP channel, forwards). `close` ends all of them and gives the connection back.
 */
export class ToolSession {
  readonly channels = new Set<ClientChannel>();
  readonly shells = new Map<string, PtyShell>();
  readonly forwards = new Map<string, PortForward>();
  private sftpChannel: Promise<SFTPWrapper> | undefined;
  /** Set when the connection under the session dropped: calls fail with this instead of hanging. */
  lost: string | undefined;
  /** Told when the connection under it dropped (what the host session has open changed with no call). */
  onLost?: () => void;
  closed = false;
  readonly openedAt = new Date().toISOString();

  constructor(
    readonly id: string,
    readonly remote: string,
    readonly client: Client,
    private readonly release: () => void,
  ) {
    watch(client, this);
  }

  /** Throws the one-line reason this session cannot be used now. */
  usable(): void {
    if (this.closed) throw new Error(`session ${this.id} is closed`);
    if (this.lost) throw new Error(this.lost);
  }

  /** Tracks a channel until it closes, so closing the session closes it. Returns the untrack function. */
  track(channel: ClientChannel): () => void {
    this.channels.add(channel);
    return () => this.channels.delete(channel);
  }

  /** One SFTP channel per session, opened on first use. */
  sftp(): Promise<SFTPWrapper> {
    this.usable();
    this.sftpChannel ??= new Promise<SFTPWrapper>((resolve, reject) =>
      this.client.sftp((err, sftp) => {
        if (err) {
          this.sftpChannel = undefined;
          reject(new Error(`could not open SFTP on ${this.remote}: ${err.message}`));
          return;
        }
        sftp.once('close', () => {
          this.sftpChannel = undefined;
        });
        resolve(sftp);
      }),
    );
    return this.sftpChannel;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    sessionsOfClient.get(this.client)?.delete(this);
    for (const shell of this.shells.values()) shell.close();
    this.shells.clear();
    for (const channel of this.channels) channel.close();
    this.channels.clear();
    await Promise.all([...this.forwards.values()].map((f) => f.close()));
    this.forwards.clear();
    const sftp = this.sftpChannel;
    this.sftpChannel = undefined;
    if (sftp) await sftp.then((s) => s.end(), () => undefined);
    this.release();
  }
}
