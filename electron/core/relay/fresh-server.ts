import { CATALOG_LISTS } from './catalog-cache.js';
import { inspectLine, requestLine } from './message-info.js';
import { obj, type SessionSetup } from './session-setup.js';

type Json = Record<string, unknown>;

/** How long a fresh server may take to answer what a resume sends it (`initialize`, subscriptions, lists). */
const ANSWER_MS = 30_000;

export type SetUpOutcome =
  | { ok: true; init: Json }
  /** `retry`: the server may just be slow or gone (try another); otherwise it cannot take this session over. */
  | { ok: false; retry: boolean; error: string };

/**
 * Burrow's own conversation with a fresh server that takes over a host session: the host's `initialize` replayed and
 * checked, its setup made again, its lists compared. Answers to these requests are kept from the host.
 */
export class FreshServer {
  private readonly waiting = new Map<string | number, (message: Json | undefined) => void>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly send: (line: Uint8Array) => void) {}

  /** Burrow waits for answers of its own: the remote's lines must be read whole. */
  get expectsAnswers(): boolean {
    return this.waiting.size > 0;
  }

  /** Takes a line from the server if it answers one of Burrow's requests; the host never sees it. */
  takeAnswer(line: Uint8Array): boolean {
    if (this.waiting.size === 0) return false;
    const { infos, value } = inspectLine(line, true);
    const id = infos.length === 1 && infos[0].kind === 'response' ? infos[0].id : undefined;
    const handler = id === undefined ? undefined : this.waiting.get(id);
    if (!handler) return false;
    this.waiting.delete(id!);
    handler(value as Json);
    return true;
  }

  /** The server is gone: whatever waits for it gets no answer. */
  close(): void {
    this.closed = true;
    for (const handler of this.waiting.values()) handler(undefined);
    this.waiting.clear();
  }

  /**
   * The host's own `initialize` (bytes as first sent), its answer checked against the one the host got, then the
   * host's `notifications/initialized`, subscriptions, logging level and roots, as the host set them up.
   */
  async setUp(setup: SessionSetup, label: string): Promise<SetUpOutcome> {
    const answer = await this.ask(setup.initLine!, setup.initId!);
    if (!answer) return { ok: false, retry: true, error: `${label}'s restarted server did not answer initialize` };
    const init = obj(answer.result);
    if (!init) return { ok: false, retry: false, error: `${label}'s restarted server refused the session's initialize: ${String(obj(answer.error)?.message ?? 'no result')}` };
    const mismatch = setup.mismatch(init);
    if (mismatch) return { ok: false, retry: false, error: `${label} cannot resume this session: ${mismatch}; restart the server in the MCP host` };
    this.send(setup.initializedLine ?? Buffer.from(requestLine('notifications/initialized')));
    const restored = [...setup.subscriptions].map((uri) => this.request('resources/subscribe', { uri }));
    if (setup.logLevel) restored.push(this.request('logging/setLevel', { level: setup.logLevel }));
    // The fresh server asks the host for its roots itself; this says they may have changed since it last did.
    if (setup.initParams?.capabilities?.roots) this.send(Buffer.from(requestLine('notifications/roots/list_changed')));
    await Promise.all(restored);
    return { ok: true, init };
  }

  /**
   * Asks again for each list the host was shown, where the server says its lists may change; keeps the new lists in
   * `setup` and returns the kinds (`tools`, `prompts`, `resources`) whose list differs.
   */
  async changedLists(setup: SessionSetup, init: Json): Promise<string[]> {
    const capabilities = obj(init.capabilities) ?? {};
    const changed: string[] = [];
    for (const method of Object.keys(CATALOG_LISTS) as (keyof typeof CATALOG_LISTS)[]) {
      const kind = method.split('/')[0];
      const before = setup.lists[method];
      if (before === undefined || !obj(capabilities[kind])?.listChanged) continue;
      const answer = await this.request(method, {});
      if (!answer?.result) break;
      setup.lists[method] = answer.result;
      if (JSON.stringify(answer.result) !== JSON.stringify(before)) changed.push(kind);
    }
    return changed;
  }

  private request(method: string, params: unknown): Promise<Json | undefined> {
    const id = `burrow-resume-${this.nextId++}`;
    return this.ask(Buffer.from(requestLine(method, params, id)), id);
  }

  private ask(line: Uint8Array, id: string | number): Promise<Json | undefined> {
    return new Promise((resolve) => {
      if (this.closed) return resolve(undefined);
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve(undefined);
      }, ANSWER_MS);
      timer.unref();
      this.waiting.set(id, (message) => {
        clearTimeout(timer);
        resolve(message);
      });
      this.send(line);
    });
  }
}
