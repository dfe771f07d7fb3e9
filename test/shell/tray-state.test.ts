import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { RemoteStatus } from '../../shared/api.js';
import { NoticeHolder } from '../../electron/shell/notice-holder.js';
import { isEmptyUpdate, trayUpdate, trayView } from '../../electron/shell/tray-state.js';
import type { TrayModel } from '../../electron/shell/tray-menu.js';

const remote = (name: string, state: RemoteStatus['state'], sessions = 0): RemoteStatus => ({ name, state, sessions });
const model = (remotes: RemoteStatus[], paused = false): TrayModel => ({ remotes, paused, startAtLogin: false });

describe('tray updates', () => {
  it('sets everything the first time', () => {
    const update = trayUpdate(undefined, trayView(model([remote('prod', 'idle')])));
    expect(update.icon).toBe('normal');
    expect(update.toolTip).toBe('Burrow — 0 of 1 connected');
    expect(update.menu?.[0]).toMatchObject({ label: '○  prod — idle' });
  });

  it('touches nothing when an event left the model as it was (no flicker, an open menu stays open)', () => {
    const shown = trayView(model([remote('prod', 'connected', 1)]));
    const again = trayView(model([remote('prod', 'connected', 1)]));
    expect(isEmptyUpdate(trayUpdate(shown, again))).toBe(true);
  });

  it('changes only the menu and tool tip when a session starts, and the icon only when attention is needed', () => {
    const shown = trayView(model([remote('prod', 'connected', 1)]));
    const more = trayUpdate(shown, trayView(model([remote('prod', 'connected', 2)])));
    expect(more.icon).toBeUndefined();
    expect(more.toolTip).toBeUndefined();
    expect(more.menu?.[0]).toMatchObject({ label: '●  prod — connected (2 sessions)' });

    const waiting = trayUpdate(shown, trayView(model([remote('prod', 'waiting-approval')])));
    expect(waiting.icon).toBe('attention');
    expect(waiting.toolTip).toBe('Burrow — 1 waiting for approval');
  });

  it('sees a paused engine', () => {
    const update = trayUpdate(trayView(model([])), trayView(model([], true)));
    expect(update.icon).toBe('paused');
    expect(update.menu?.map((i) => (i.type === 'separator' ? '---' : i.label))).toContain('Resume');
  });
});

class FakeNotice extends EventEmitter {
  shown = 0;
  show(): void {
    this.shown++;
  }
}

describe('notification holder', () => {
  it('holds each notification until it is clicked, closed or fails, so its click handler survives', () => {
    const holder = new NoticeHolder<FakeNotice>();
    const [a, b, c] = [new FakeNotice(), new FakeNotice(), new FakeNotice()];
    let opened = 0;
    a.on('click', () => opened++);
    for (const n of [a, b, c]) holder.show(n);
    expect([a.shown, b.shown, c.shown]).toEqual([1, 1, 1]);
    expect(holder.size).toBe(3);
    a.emit('click');
    expect(opened).toBe(1);
    expect(holder.size).toBe(2);
    b.emit('close');
    c.emit('failed', new Error('no notification server'));
    expect(holder.size).toBe(0);
  });

  it('keeps only the newest when a desktop never reports closing', () => {
    const holder = new NoticeHolder<FakeNotice>(2);
    for (let i = 0; i < 5; i++) holder.show(new FakeNotice());
    expect(holder.size).toBe(2);
  });
});
