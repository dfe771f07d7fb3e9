import type { ToolHostSessionInfo } from '../../../shared/api.js';

/** What one tool server says about itself while it runs. */
export interface ToolHostSessionView {
  client(): string | undefined;
  sessions(): ToolHostSessionInfo['sessions'];
}

/**
 * The MCP host sessions using Burrow's built-in SSH tools (`burrow connect --tools`, the inspector's own), for
 * `burrow status` and the Sessions screen: they are not relayed sessions, so the session manager does not know them.
 */
export class ToolHostSessions {
  private next = 1;
  private readonly open = new Map<string, { openedAt: string; view: ToolHostSessionView; seen: string }>();

  /** `onChange`: one opened or closed, or what one has open changed (the Sessions screen reads them again). */
  constructor(private readonly onChange: () => void = () => {}) {}

  /**
   * Registers a running tool server; returns its id, the function that forgets it, and `refresh`, called after
   * each of its answers: when its client or its sessions, shells or forwards changed, `onChange` says so.
   */
  add(view: ToolHostSessionView): { id: string; remove: () => void; refresh: () => void } {
    const id = `tools-${this.next++}`;
    const signature = () => JSON.stringify([view.client(), view.sessions()]);
    // Not read yet: the server behind the view may still be being made (its first answer refreshes).
    const entry = { openedAt: new Date().toISOString(), view, seen: '' };
    this.open.set(id, entry);
    this.onChange();
    return {
      id,
      remove: () => {
        if (this.open.delete(id)) this.onChange();
      },
      refresh: () => {
        const now = signature();
        if (now === entry.seen) return;
        entry.seen = now;
        this.onChange();
      },
    };
  }

  list(): ToolHostSessionInfo[] {
    return [...this.open].map(([id, { openedAt, view }]) => ({ id, client: view.client(), openedAt, sessions: view.sessions() }));
  }
}
