import { describe, expect, it } from 'vitest';
import { ToolHostSessions } from '../../electron/core/tools/tool-host-sessions.js';

function failNotMade(): never {
  throw new Error('the view was read before its server was made');
}

describe('the built-in tools sessions the engine lists', () => {
  it('says when one opens, closes, or what it has open changes, and not after an answer that changed nothing', () => {
    let changes = 0;
    const list = new ToolHostSessions(() => changes++);
    let client: string | undefined;
    let sessions: { id: string; remote: string; shells: number; forwards: number }[] = [];
    // Registered before its server is made: adding must not read the view yet.
    let made = false;
    const entry = list.add({ client: () => (made ? client : failNotMade()), sessions: () => sessions });
    made = true;
    expect(changes).toBe(1);
    entry.refresh();
    entry.refresh();
    expect(changes).toBe(2);
    client = 'claude-ai';
    entry.refresh();
    expect(changes).toBe(3);
    sessions = [{ id: 's-1', remote: 'box', shells: 0, forwards: 0 }];
    entry.refresh();
    entry.refresh();
    expect(changes).toBe(4);
    expect(list.list()).toEqual([{ id: entry.id, client: 'claude-ai', openedAt: expect.any(String), sessions }]);
    entry.remove();
    entry.remove();
    expect(changes).toBe(5);
    expect(list.list()).toEqual([]);
  });
});
