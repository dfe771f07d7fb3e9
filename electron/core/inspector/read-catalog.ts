import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { McpExchange, RemoteCatalog } from '../../../shared/api.js';

const MAX_PAGES = 50;

/** Everything a server offers, every page of it; only what the server says it has is asked for. */
export async function readCatalog(remote: string, client: Client): Promise<RemoteCatalog> {
  const caps = client.getServerCapabilities() ?? {};
  const version = client.getServerVersion();
  const catalog: RemoteCatalog = {
    remote,
    serverName: version?.name,
    serverVersion: version?.version,
    tools: [],
    prompts: [],
    resources: [],
    resourceTemplates: [],
    lists: [],
  };
  const lists = catalog.lists!;
  if (caps.tools) {
    for await (const page of pages('tools/list', (cursor) => client.listTools({ cursor }), lists)) {
      for (const t of page.tools) {
        catalog.tools.push({ name: t.name, title: t.title, description: t.description, inputSchema: t.inputSchema, outputSchema: t.outputSchema });
      }
    }
  }
  if (caps.prompts) {
    for await (const page of pages('prompts/list', (cursor) => client.listPrompts({ cursor }), lists)) {
      for (const p of page.prompts) catalog.prompts.push({ name: p.name, title: p.title, description: p.description, arguments: p.arguments });
    }
  }
  if (caps.resources) {
    for await (const page of pages('resources/list', (cursor) => client.listResources({ cursor }), lists)) {
      for (const r of page.resources) catalog.resources.push({ uri: r.uri, name: r.name, description: r.description, mimeType: r.mimeType });
    }
    for await (const page of pages('resources/templates/list', (cursor) => client.listResourceTemplates({ cursor }), lists)) {
      for (const r of page.resourceTemplates) catalog.resourceTemplates.push({ uriTemplate: r.uriTemplate, name: r.name, description: r.description, mimeType: r.mimeType });
    }
  }
  return catalog;
}

/** Every page of one list request, each also kept as an exchange (request and result) for the raw view. */
async function* pages<T extends { nextCursor?: string }>(method: string, fetch: (cursor?: string) => Promise<T>, lists: McpExchange[]): AsyncGenerator<T> {
  let cursor: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const started = Date.now();
    const page = await fetch(cursor);
    lists.push({ request: { method, params: cursor ? { cursor } : undefined }, isError: false, raw: page, ms: Date.now() - started });
    yield page;
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}
