/**
 * Burrow's demo MCP server: what the demo remote runs behind Burrow's embedded SSH server, so a first start has
 * something real to call (tools, a prompt, a resource) before any machine of one's own is set up.
 * A plain Node script over stdio: `node demo-server.js`. Logs go to stderr; stdout is the protocol.
 */
import { hostname, platform, uptime } from 'node:os';
import { pathToFileURL } from 'node:url';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

export const DEMO_SERVER_NAME = 'burrow-demo';

const README = `This is Burrow's demo remote.

Every message you see here went from your MCP host through "burrow connect", Burrow's engine and an SSH
connection to Burrow's own embedded SSH server (on 127.0.0.1), which started this small MCP server.
A real remote works the same way: add one with "burrow remote add NAME --host HOST --command 'CMD'".`;

export function createDemoServer(): McpServer {
  const server = new McpServer({ name: DEMO_SERVER_NAME, version: '0.1.0' });

  server.registerTool(
    'echo',
    { title: 'Echo', description: 'Returns the text it is given.', inputSchema: { text: z.string().describe('What to send back') } },
    ({ text }) => ({ content: [{ type: 'text', text }] }),
  );

  server.registerTool(
    'add',
    { title: 'Add', description: 'Adds two numbers.', inputSchema: { a: z.number(), b: z.number() }, outputSchema: { sum: z.number() } },
    ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }], structuredContent: { sum: a + b } }),
  );

  server.registerTool(
    'where-am-i',
    { title: 'Where am I', description: 'Says which machine this server runs on (for the demo: this one).', inputSchema: {} },
    () => ({ content: [{ type: 'text', text: `host ${hostname()}, ${platform()}, up ${Math.round(uptime())} s, pid ${process.pid}` }] }),
  );

  server.registerPrompt(
    'tour',
    { title: 'Tour of Burrow', description: 'A prompt that asks the model to try the demo tools.', argsSchema: { name: z.string().optional() } },
    ({ name }) => ({
      messages: [
        {
          role: 'user',
          content: { type: 'text', text: `${name ? `Hi, I am ${name}. ` : ''}Use the burrow-demo tools: echo "hello", add 2 and 40, and tell me where the server runs.` },
        },
      ],
    }),
  );

  server.registerResource(
    'readme',
    'demo://readme',
    { title: 'About this demo', description: 'What the demo remote is and how a message reaches it.', mimeType: 'text/plain' },
    (uri) => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: README }] }),
  );

  server.registerResource(
    'greeting',
    new ResourceTemplate('demo://greeting/{name}', { list: undefined }),
    { title: 'A greeting', description: 'A greeting for the given name.', mimeType: 'text/plain' },
    (uri, { name }) => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: `Hello, ${String(name)}, from Burrow's demo remote.` }] }),
  );

  return server;
}

async function main(): Promise<void> {
  const server = createDemoServer();
  const transport = new StdioServerTransport();
  // The channel's EOF (the host went away) ends the process, as a real remote server would.
  process.stdin.once('end', () => void server.close().finally(() => process.exit(0)));
  await server.connect(transport);
  process.stderr.write(`${DEMO_SERVER_NAME}: ready (pid ${process.pid})\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`${DEMO_SERVER_NAME}: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
