// A tiny MCP server over stdio whose later starts answer differently, for resume probes.
// Usage: node shifting-mcp-server.mjs STATE_DIR MODE
//   STATE_DIR/starts counts its starts; STATE_DIR/received gets one line per message it reads ("START n" first).
//   MODE on the second and later starts: "same" (no change), "version" (another protocol version),
//   "fewer" (no prompts capability), "slow-init" (initialize answered after 4 s), "crash" (exits with 3 one second
//   after answering initialize), "more-tools" (a tool "added" besides echo and slow).
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const [dir, mode = 'same'] = process.argv.slice(2);
let starts = 0;
try {
  starts = Number(readFileSync(join(dir, 'starts'), 'utf8')) || 0;
} catch {
  // first start
}
starts++;
writeFileSync(join(dir, 'starts'), String(starts));
appendFileSync(join(dir, 'received'), `START ${starts}\n`);
const later = starts > 1;

const send = (message) => process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
const capabilities = { tools: { listChanged: true }, prompts: {}, resources: { subscribe: true }, logging: {} };
if (later && mode === 'fewer') delete capabilities.prompts;
const tools = [
  { name: 'echo', description: 'echoes', inputSchema: { type: 'object', properties: { message: { type: 'string' } } } },
  { name: 'slow', description: 'never ends', inputSchema: { type: 'object' } },
];
if (later && mode === 'more-tools') tools.push({ name: 'added', description: 'new on later starts', inputSchema: { type: 'object' } });

const input = createInterface({ input: process.stdin });
// EOF from the host's side ends the server, as stdio servers do (timers of a "slow" call would keep it alive).
input.on('close', () => process.exit(0));
input.on('line', (line) => {
  const message = JSON.parse(line);
  appendFileSync(join(dir, 'received'), `${message.method ?? 'response'} ${JSON.stringify(message.id ?? null)}\n`);
  if (message.id === undefined || !message.method) return;
  const reply = (result) => send({ id: message.id, result });
  switch (message.method) {
    case 'initialize': {
      const answer = () =>
        reply({ protocolVersion: later && mode === 'version' ? '2024-11-05' : message.params.protocolVersion, capabilities, serverInfo: { name: 'shifting', version: String(starts) } });
      if (later && mode === 'slow-init') setTimeout(answer, 4000);
      else answer();
      if (later && mode === 'crash') setTimeout(() => process.exit(3), 1000);
      return;
    }
    case 'tools/list':
      return reply({ tools });
    case 'prompts/list':
      return reply({ prompts: [] });
    case 'tools/call':
      // "slow" reports progress (when asked for) every 100 ms and never answers: it is in flight at a drop.
      if (message.params.name === 'slow') {
        const progressToken = message.params._meta?.progressToken;
        let progress = 0;
        if (progressToken !== undefined) setInterval(() => send({ method: 'notifications/progress', params: { progressToken, progress: ++progress } }), 100);
        return;
      }
      return reply({ content: [{ type: 'text', text: `${message.params.arguments?.message ?? ''} (start ${starts})` }] });
    default:
      return reply({});
  }
});
