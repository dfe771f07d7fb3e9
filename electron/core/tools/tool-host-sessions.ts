import type { ToolHostSessionInfo } from '../../../shared/api.js';

/** What one tool server says about itself while it runs. */
export interface ToolHostSessionView {
  client(): string | undefined;
  sessions(): ToolHostSessionInfo['sessions'];
}

/**
 * The MCP host sessions using Burrow's built-in SSH tools (`burrow connect --tools`), for `burrow status`:
 * they are not relayed sessions, so the session manager does not know them.
 */
export class ToolHostSessions {
  private next = 1;
  private readonly open = new Map<string, { openedAt: string; view: ToolHostSessionView }>();

  /** Registers a running tool server; returns its id and the function that forgets it. */
  add(view: ToolHostSessionView): { id: string; remove: () => void } {
    const id = `tools-${this.next++}`;
    this.open.set(id, { openedAt: new Date().toISOString(), view });
    return { id, remove: () => this.open.delete(id) };
  }

  list(): ToolHostSessionInfo[] {
    return [...this.open].map(([id, { openedAt, view }]) => ({ id, client: view.client(), openedAt, sessions: view.sessions() }));
  }
}
