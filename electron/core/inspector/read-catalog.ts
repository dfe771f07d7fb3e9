import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RemoteCatalog } from '../../../shared/api.js';

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
  };
  if (caps.tools) {
    for await (const page of pages((cursor) => client.listTools({ cursor }))) {
      for (const t of page.tools) {
        catalog.tools.push({ name: t.name, title: t.title, description: t.description, inputSchema: t.inputSchema, outputSchema: t.outputSchema });
      }
    }
  }
  if (caps.prompts) {
    for await (const page of pages((cursor) => client.listPrompts({ cursor }))) {
      for (const p of page.prompts) catalog.prompts.push({ name: p.name, description: p.description, arguments: p.arguments });
    }
  }
  if (caps.resources) {
    for await (const page of pages((cursor) => client.listResources({ cursor }))) {
      for (const r of page.resources) catalog.resources.push({ uri: r.uri, name: r.name, description: r.description, mimeType: r.mimeType });
    }
    for await (const page of pages((cursor) => client.listResourceTemplates({ cursor }))) {
      for (const r of page.resourceTemplates) catalog.resourceTemplates.push({ uriTemplate: r.uriTemplate, name: r.name, description: r.description });
    }
  }
  return catalog;
}

async function* pages<T extends { nextCursor?: string }>(fetch: (cursor?: string) => Promise<T>): AsyncGenerator<T> {
  let cursor: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await fetch(cursor);
    yield page;
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}
