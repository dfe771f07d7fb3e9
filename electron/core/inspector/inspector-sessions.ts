import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { McpExchange, RemoteCatalog, ToolCallResult } from '../../../shared/api.js';
import { BUILT_IN_TOOLS_TARGET } from '../../../shared/tools.js';
import { BURROW_VERSION } from '../../../shared/version.js';
import type { Engine } from '../engine.js';
import { BurrowError } from '../errors.js';
import type { SettingsStore } from '../settings/settings-store.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import { refuseHost } from '../relay/line-end.js';
import type { ToolsShared } from '../tools/serve-tools.js';
import { INSPECTOR_CLIENT_NAME } from '../../../shared/inspector-client.js';
import { readCatalog } from './read-catalog.js';
import { RelayTransport } from './relay-transport.js';

interface LiveSession {
  client: Client;
  transport: RelayTransport;
  catalog?: Promise<RemoteCatalog>;
  idleTimer?: NodeJS.Timeout;
}

export interface InspectorOptions {
  engine: Engine;
  settings: SettingsStore;
  /** A remote's tools, prompts or resources changed (`list_changed`): the UI should ask again. */
  onCatalogChanged: (remote: string) => void;
  /** A remote's session was used (its idle end moved to `closesAt`) or closed (undefined): the Sessions screen follows. */
  onIdleEnd?: (remote: string, closesAt: Date | undefined) => void;
  /** An unused inspector session is closed after this long, so it does not hold a channel forever. */
  idleMs?: number;
  /** What Burrow's built-in SSH tools share in this engine; without it the inspector cannot open them. */
  tools?: ToolsShared;
  logger?: Logger;
}

const CLIENT_INFO = { name: INSPECTOR_CLIENT_NAME, version: BURROW_VERSION };
/** The longest a built-in tool runs once allowed (ssh_execute's timeout_s is at most 3600), plus a margin. */
const TOOLS_LONGEST_RUN_MS = 3_600_000 + 30_000;

/** The inspector's own MCP client per remote, opened on demand through the engine's relay. */
export class InspectorSessions {
  private readonly live = new Map<string, Promise<LiveSession>>();
  /** When each open session closes unless used again (epoch ms), for `burrow status` and the Sessions screen. */
  private readonly idleUntil = new Map<string, { session: LiveSession; at: number }>();

  constructor(private readonly options: InspectorOptions) {}

  async catalog(remote: string): Promise<RemoteCatalog> {
    const session = await this.session(remote);
    session.catalog ??= readCatalog(remote, session.client).catch((error: Error) => {
      session.catalog = undefined;
      throw error;
    });
    return session.catalog;
  }

  async callTool(remote: string, tool: string, args: Record<string, unknown>): Promise<ToolCallResult> {
    return this.exchange(remote, tool, { method: 'tools/call', params: { name: tool, arguments: args } });
  }

  async getPrompt(remote: string, prompt: string, args: Record<string, string>): Promise<McpExchange> {
    return this.exchange(remote, prompt, { method: 'prompts/get', params: { name: prompt, arguments: args } });
  }

  async readResource(remote: string, uri: string): Promise<McpExchange> {
    return this.exchange(remote, uri, { method: 'resources/read', params: { uri } });
  }

  /**
   * What the server suggests for one argument of a prompt (`ref/prompt`, by name) or one variable of a resource
   * template (`ref/resource`, by URI template), given what is typed and the other fields. A server without
   * completions, or one that fails, suggests nothing: a person typing is not shown an error per key.
   */
  async complete(remote: string, ref: { type: 'ref/prompt' | 'ref/resource'; name: string }, argument: string, value: string, context: Record<string, string>): Promise<string[]> {
    const session = await this.session(remote);
    if (!session.client.getServerCapabilities()?.completions) return [];
    const target = ref.type === 'ref/prompt' ? { type: 'ref/prompt' as const, name: ref.name } : { type: 'ref/resource' as const, uri: ref.name };
    try {
      const result = await session.client.complete({ ref: target, argument: { name: argument, value }, context: { arguments: context } }, { timeout: 10_000 });
      return result.completion.values.slice(0, 100);
    } catch {
      return [];
    }
  }

  /** One request on the remote's inspector session, with the request and the raw result for a person to read. */
  private async exchange(remote: string, what: string, request: McpExchange['request']): Promise<McpExchange> {
    const session = await this.session(remote);
    const started = Date.now();
    const tools = remote === BUILT_IN_TOOLS_TARGET;
    // A built-in tool may wait for a person (the approval timeout), then run for up to an hour (timeout_s); giving
    // up earlier would cancel it (its question is then taken back) while the person is still deciding.
    const timeout = tools ? this.options.settings.approvalTimeoutMs() + TOOLS_LONGEST_RUN_MS : 120_000;
    try {
      // Not parsed against the SDK's result schemas: the inspector shows what the server sent, unknown fields and all.
      const raw = await session.client.request(request as never, z.unknown(), { timeout });
      const isError = !!raw && typeof raw === 'object' && (raw as { isError?: unknown }).isError === true;
      return { request, isError, raw, ms: Date.now() - started };
    } catch (error) {
      // A built-in tool's own errors name the remote it ran on.
      throw new BurrowError(`${tools ? what : `${what} on ${remote}`}: ${plainMcpError(error, session.transport)}`, 'remote-exit');
    }
  }

  /** Ends the session of a remote (removed or edited: the next use reconnects with the new settings). */
  close(remote: string): void {
    const pending = this.live.get(remote);
    this.live.delete(remote);
    if (this.idleUntil.delete(remote)) this.options.onIdleEnd?.(remote, undefined);
    void pending?.then((s) => s.client.close()).catch(() => {});
  }

  closeAll(): void {
    for (const name of [...this.live.keys()]) this.close(name);
  }

  /** When the remote's open inspector session closes unless used again, or undefined when none is open. */
  closesAt(remote: string): Date | undefined {
    const at = this.idleUntil.get(remote)?.at;
    return at === undefined ? undefined : new Date(at);
  }

  private session(remote: string): Promise<LiveSession> {
    let pending = this.live.get(remote);
    if (!pending) {
      pending = this.open(remote);
      this.live.set(remote, pending);
      pending.catch(() => {
        if (this.live.get(remote) === pending) this.live.delete(remote);
      });
    }
    return pending.then((s) => this.touch(remote, s));
  }

  private async open(name: string): Promise<LiveSession> {
    const { engine, settings } = this.options;
    const remote = name === BUILT_IN_TOOLS_TARGET ? undefined : settings.getRemote(name);
    if (!remote && name !== BUILT_IN_TOOLS_TARGET) throw new BurrowError(`no remote named "${name}"`, 'config');
    const transport = new RelayTransport();
    const client = new Client(CLIENT_INFO, { capabilities: {} });
    const session: LiveSession = { client, transport };
    const changed = () => {
      session.catalog = undefined;
      this.options.onCatalogChanged(name);
    };
    client.setNotificationHandler(ToolListChangedNotificationSchema, changed);
    client.setNotificationHandler(PromptListChangedNotificationSchema, changed);
    client.setNotificationHandler(ResourceListChangedNotificationSchema, changed);
    transport.onclose = () => {
      clearTimeout(session.idleTimer);
      this.forget(name, session);
    };
    if (remote) {
      // Named before its `initialize`, so it never counts as an MCP app's session, not even for that moment.
      engine.startSession(remote, transport.hostEnd, { client: INSPECTOR_CLIENT_NAME });
    } else {
      await this.serveTools(transport);
    }
    try {
      // Connecting may wait on a person approving the host key: allow for that, plus the handshake.
      await client.connect(transport, { timeout: settings.approvalTimeoutMs() + 30_000 });
    } catch (error) {
      void client.close().catch(() => {});
      throw new BurrowError(`cannot open ${name}: ${plainMcpError(error, transport)}`, 'remote-exit');
    }
    return session;
  }

  /** The built-in SSH tools as `burrow connect --tools` serves them (every tool-enabled remote), for this session. */
  private async serveTools(transport: RelayTransport): Promise<void> {
    const { engine, settings, tools, logger } = this.options;
    if (!tools) throw new BurrowError("this engine does not serve Burrow's built-in SSH tools", 'daemon');
    const { checkToolsEntry, serveTools, toolsEntryDeps } = await import('../tools/serve-tools.js');
    // As for `burrow connect --tools`: refused while Burrow is paused, or with no remote to use (in one line).
    checkToolsEntry(engine, settings, []);
    void serveTools(transport.hostEnd, toolsEntryDeps(engine, settings, [], tools, logger ?? silentLogger)).catch((error: Error) => refuseHost(transport.hostEnd, error));
  }

  /** A session that ended (the remote went away) is dropped, so the next use opens a new one. */
  private forget(name: string, session: LiveSession): void {
    if (this.idleUntil.get(name)?.session === session) {
      this.idleUntil.delete(name);
      this.options.onIdleEnd?.(name, undefined);
    }
    const pending = this.live.get(name);
    pending?.then(
      (s) => {
        if (s === session && this.live.get(name) === pending) this.live.delete(name);
      },
      () => {},
    );
  }

  private touch(remote: string, session: LiveSession): LiveSession {
    clearTimeout(session.idleTimer);
    const idleMs = this.options.idleMs ?? 10 * 60_000;
    session.idleTimer = setTimeout(() => this.close(remote), idleMs);
    session.idleTimer.unref();
    const at = Date.now() + idleMs;
    this.idleUntil.set(remote, { session, at });
    this.options.onIdleEnd?.(remote, new Date(at));
    return session;
  }
}

/** "MCP error -32000: connection refused …" → the message a person reads. */
function plainMcpError(error: unknown, transport: RelayTransport): string {
  const message = error instanceof Error ? error.message : String(error);
  const plain = message.replace(/^MCP error -?\d+:\s*/, '');
  if (/Connection closed/i.test(plain) && transport.lastError) return transport.lastError;
  return plain;
}
