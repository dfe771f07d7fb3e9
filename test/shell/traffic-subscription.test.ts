import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BurrowEvent } from '../../shared/events.js';
import type { TrafficEntry } from '../../shared/api.js';
import { createCommandHandlers } from '../../electron/core/commands/command-handlers.js';
import { Engine } from '../../electron/core/engine.js';
import { silentLogger } from '../../electron/core/logging/logger.js';
import { ConfSettingsStore } from '../../electron/core/settings/settings-store.js';

const entry: TrafficEntry = { sessionId: 1, remote: 'prod', direction: 'to-remote', time: 0, bytes: 10, kind: 'request', method: 'tools/call', id: 1 };

function handlers() {
  const home = mkdtempSync(join(tmpdir(), 'burrow-traffic-'));
  const engine = new Engine({ home, logger: silentLogger, keepWarm: false, idleTimeoutMs: 0 });
  return { engine, commands: createCommandHandlers({ engine, settings: new ConfSettingsStore(home), hostKeys: engine.hostKeys }) };
}

describe('traffic as its own subscription', () => {
  it('the relay taps traffic only while a traffic listener exists, and gives traffic only to those', () => {
    const { engine, commands } = handlers();
    const window: BurrowEvent[] = [];
    const view: BurrowEvent[] = [];
    const stopWindow = commands.subscribe((e) => window.push(e), { traffic: false });
    expect(engine.events.listening('traffic')).toBe(false);
    const stopView = commands.subscribe((e) => view.push(e), { traffic: true });
    expect(engine.events.listening('traffic')).toBe(true);
    engine.events.emit('traffic', { entry });
    engine.events.emit('remotes-changed', {});
    expect(window).toEqual([{ type: 'remotes-changed' }]);
    expect(view).toEqual([{ type: 'traffic', entry }, { type: 'remotes-changed' }]);
    stopView();
    expect(engine.events.listening('traffic')).toBe(false);
    stopView();
    stopWindow();
    expect(engine.events.listening('traffic')).toBe(false);
  });

  it('keeps the old meaning for callers that pass no options (the web bridge): events and traffic', () => {
    const { engine, commands } = handlers();
    const seen: BurrowEvent[] = [];
    const stop = commands.subscribe((e) => seen.push(e));
    expect(engine.events.listening('traffic')).toBe(true);
    engine.events.emit('traffic', { entry });
    expect(seen).toEqual([{ type: 'traffic', entry }]);
    stop();
    expect(engine.events.listening('traffic')).toBe(false);
  });
});
