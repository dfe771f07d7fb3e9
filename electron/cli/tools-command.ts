import type { RemoteCatalog, ToolCallResult } from '../../shared/api.js';
import { BUILT_IN_TOOLS_TARGET } from '../../shared/tools.js';
import { nearestOption, parseCommandArgs } from './cli-args.js';
import { callEngine } from './command-client.js';
import { remoteItems, sayWhatWaits, toolCallItems } from './waiting-notices.js';

const TOOLS_HELP = `usage: burrow tools REMOTE [--json]

The remote's tools (name, description, input schema), prompts, resources and resource templates,
read live through the running engine (started if none runs), as the MCP host would see them.
REMOTE @tools is Burrow's built-in SSH tools, as burrow connect --tools serves them.`;

const CALL_HELP = `usage: burrow call REMOTE TOOL ['{"key": "value"}' | --json '{…}' | KEY=VALUE ...] [--raw]

Calls one tool through the running engine and prints its result: text content as text, other content
as JSON; --raw prints the whole result as JSON. The arguments are one JSON object (alone after TOOL, or
after --json) or KEY=VALUE pairs, whose values are JSON when they parse (KEY=3, KEY=true, KEY='[1,2]'),
else strings. Exit code 1 when the tool reports an error (isError).
REMOTE @tools calls Burrow's built-in SSH tools (burrow call @tools ssh_connect remote=box, then ssh_execute
with its session_id): a call the remote's policy asks about is asked at the terminal, or waits for burrow approvals.`;

export async function runTools(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('tools', args, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) return help(TOOLS_HELP);
  const [remote] = positionals;
  if (!remote || positionals.length > 1) throw new Error('tools: give one REMOTE (burrow remote list shows them)');
  // The built-in tools' catalog waits on no one; a remote's may wait on its host key or passphrase.
  const catalog = await sayWhatWaits(remote === BUILT_IN_TOOLS_TARGET ? () => false : remoteItems(remote), () => callEngine('catalog', remote));
  process.stdout.write(values.json ? `${JSON.stringify(catalog, null, 2)}\n` : formatCatalog(catalog));
  return 0;
}

export async function runCall(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('call', args, { json: { type: 'string' }, raw: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) return help(CALL_HELP);
  const [remote, tool, ...pairs] = positionals;
  if (!remote || !tool) throw new Error("call: give REMOTE and TOOL, e.g. burrow call prod echo message=hi (burrow tools REMOTE lists the tools)");
  // A lone JSON object after TOOL is the arguments, as --json gives them.
  const jsonText = values.json ?? (pairs.length === 1 && pairs[0].trimStart().startsWith('{') ? pairs.shift() : undefined);
  const toolArgs = jsonText !== undefined ? parseJsonArgs(jsonText) : {};
  if ((jsonText !== undefined && pairs.length) || pairs.some((p) => p.trimStart().startsWith('{'))) throw new Error('call: give one JSON object or KEY=VALUE arguments, not both');
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new Error(`call: "${pair}" is not KEY=VALUE`);
    toolArgs[pair.slice(0, eq)] = parseValue(pair.slice(eq + 1));
  }
  const concerns = remote === BUILT_IN_TOOLS_TARGET ? toolCallItems(tool, toolArgs, Date.now()) : remoteItems(remote);
  const result: ToolCallResult = await sayWhatWaits(concerns, () => callEngine('callTool', remote, tool, toolArgs));
  if (values.raw) process.stdout.write(`${JSON.stringify(result.raw, null, 2)}\n`);
  const text = describeResult(result.raw);
  if (result.isError) {
    const missing = await noSuchTool(remote, tool);
    // A built-in tool's error names its remote itself ("… on box was not run").
    const where = remote === BUILT_IN_TOOLS_TARGET ? tool : `${tool} on ${remote}`;
    process.stderr.write(`burrow: ${missing ?? `${where} reported an error: ${text.trim() || 'no details'}`}\n`);
    return 1;
  }
  if (!values.raw) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  return 0;
}

/** A mistyped tool name said as such, with the likely one: servers word "not found" each their own way. */
async function noSuchTool(remote: string, tool: string): Promise<string | undefined> {
  let names: string[];
  try {
    names = (await callEngine('catalog', remote)).tools.map((t) => t.name);
  } catch {
    return undefined;
  }
  if (names.includes(tool)) return undefined;
  const nearest = nearestOption(tool, names);
  return `call: ${remote} has no tool "${tool}" (${nearest ? `did you mean ${nearest}? ` : ''}burrow tools ${remote} lists them)`;
}

function help(text: string): number {
  process.stdout.write(`${text}\n`);
  return 0;
}

function parseJsonArgs(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`call: the arguments are not valid JSON: ${(error as Error).message}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('call: the JSON arguments must be an object, e.g. \'{"message": "hi"}\'');
  return value as Record<string, unknown>;
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Text content as text; every other kind of content (images, resources, structured output) as JSON. */
function describeResult(raw: unknown): string {
  const result = (raw ?? {}) as { content?: { type: string; text?: string }[]; structuredContent?: unknown };
  const parts: string[] = [];
  for (const item of result.content ?? []) {
    if (item.type === 'text' && typeof item.text === 'string') parts.push(item.text);
    else parts.push(JSON.stringify(item, null, 2));
  }
  if (!result.content?.length && result.structuredContent !== undefined) parts.push(JSON.stringify(result.structuredContent, null, 2));
  return parts.join('\n');
}

function formatCatalog(c: RemoteCatalog): string {
  const lines: string[] = [];
  const server = [c.serverName, c.serverVersion].filter(Boolean).join(' ');
  lines.push(`${c.remote}${server ? `: ${server}` : ''}`);
  lines.push('', `TOOLS (${c.tools.length})`);
  for (const t of c.tools) {
    lines.push(`  ${t.name}${t.description ? ` — ${firstLine(t.description)}` : ''}`);
    const schema = t.inputSchema as { properties?: Record<string, { type?: string; description?: string }>; required?: string[] } | undefined;
    for (const [name, prop] of Object.entries(schema?.properties ?? {})) {
      const required = schema?.required?.includes(name) ? '' : '?';
      lines.push(`      ${name}${required}: ${prop.type ?? 'any'}${prop.description ? ` — ${firstLine(prop.description)}` : ''}`);
    }
  }
  lines.push('', `PROMPTS (${c.prompts.length})`);
  for (const p of c.prompts) {
    const args = (p.arguments ?? []).map((a) => `${a.name}${a.required ? '' : '?'}`).join(', ');
    lines.push(`  ${p.name}${args ? `(${args})` : ''}${p.description ? ` — ${firstLine(p.description)}` : ''}`);
  }
  lines.push('', `RESOURCES (${c.resources.length})`);
  for (const r of c.resources) lines.push(`  ${r.uri}  ${r.name}${r.mimeType ? ` [${r.mimeType}]` : ''}`);
  lines.push('', `RESOURCE TEMPLATES (${c.resourceTemplates.length})`);
  for (const t of c.resourceTemplates) lines.push(`  ${t.uriTemplate}  ${t.name}`);
  return `${lines.join('\n')}\n`;
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}
