import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { tailRecords, verifyHashChain, type ChainedRecord } from '../core/audit/hash-chain-log.js';
import { defaultToolAuditFile } from '../core/audit/tool-audit.js';
import { commandHelp, parseCommandArgs, runSubcommand, type Subcommand } from './cli-args.js';
import { localTimeText } from './time-text.js';

const VERIFY_HELP = `usage: burrow audit verify [--file PATH]

Checks the hash chain of the built-in SSH tools' audit log: "intact", or the first record that was changed,
removed or reordered (exit 1).`;

const TAIL_HELP = `usage: burrow audit tail [-n N] [--json] [--file PATH]

The last N records (default 20), one line each with its local time (TZ), or as the raw JSON records
(ISO UTC times) with --json.`;

const TABLE: Record<string, Subcommand> = {
  verify: { help: VERIFY_HELP, run: verify },
  tail: { help: TAIL_HELP, run: tail },
};

const HELP = commandHelp(TABLE, 'The log is <burrow home>/logs/tool-audit.jsonl unless --file names another.');

export function run(args: string[]): Promise<number> {
  return runSubcommand('audit', HELP, args, TABLE);
}

async function verify(args: string[]): Promise<number> {
  const { values } = parseCommandArgs('audit verify', args, { file: { type: 'string' } }, false, VERIFY_HELP);
  const file = values.file ? resolve(values.file) : defaultToolAuditFile();
  if (!existsSync(file)) {
    process.stdout.write(`${file}: no tool calls recorded yet\n`);
    return 0;
  }
  const verdict = verifyHashChain(file);
  if (verdict.ok) {
    process.stdout.write(`${file}: intact (${verdict.records} records)\n`);
    return 0;
  }
  const bad = verdict.firstBad;
  const which = `${bad.seq !== undefined ? `record ${bad.seq}` : 'a record'} (line ${bad.line}${bad.time ? `, ${localTimeText(bad.time)}` : ''})`;
  process.stdout.write(`${file}: BROKEN at ${which}: ${bad.reason}\n`);
  return 1;
}

async function tail(args: string[]): Promise<number> {
  const { values } = parseCommandArgs('audit tail', args, { file: { type: 'string' }, n: { type: 'string', short: 'n' }, json: { type: 'boolean' } }, false, TAIL_HELP);
  const count = values.n === undefined ? 20 : Number(values.n);
  if (!Number.isInteger(count) || count < 1) throw new Error(`audit tail: -n must be a whole number above 0, not "${values.n}"`);
  const file = values.file ? resolve(values.file) : defaultToolAuditFile();
  for (const record of tailRecords(file, count)) {
    process.stdout.write(`${values.json ? JSON.stringify(record) : describe(record)}\n`);
  }
  return 0;
}

/** One line a person reads: time, seq, tool, remote, decision or outcome. */
function describe(record: ChainedRecord | { line: number; unparsable: string }): string {
  if ('unparsable' in record) return `line ${record.line}: not JSON`;
  const r = record as ChainedRecord & Record<string, any>;
  const head = `${localTimeText(String(r.time ?? ''))} #${r.seq} ${String(r.tool ?? r.event ?? '?')}${r.remote ? ` on ${r.remote}` : ''}`;
  if (r.phase === 'call') {
    const who = r.client?.name ? ` for ${r.client.name}` : '';
    const detail = r.args?.command ?? r.args?.path ?? r.args?.remote_path ?? r.args?.data ?? '';
    return `${head}${who}: ${r.decision} (${r.decidedBy})${detail ? ` — ${String(detail)}` : ''}`;
  }
  if (r.phase === 'result') {
    const parts = [r.ok ? 'ok' : `failed: ${r.error}`];
    if (r.exitCode !== undefined) parts.push(`exit ${r.exitCode}`);
    if (r.signal) parts.push(r.signal);
    if (r.bytesOut !== undefined) parts.push(`${r.bytesOut} bytes out`);
    if (r.bytesIn !== undefined) parts.push(`${r.bytesIn} bytes in`);
    parts.push(`${r.durationMs} ms`);
    return `${head}: ${parts.join(', ')}`;
  }
  return `${head}: ${JSON.stringify(r)}`;
}
