import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { ToolAuditRecord } from '../../../shared/api.js';
import { describeFileError, errorCode } from '../file-errors.js';

/** The part of the file read for the window: its end, so a long-lived audit log costs the same as a fresh one. */
const TAIL_BYTES = 4 * 1024 * 1024;

/** The newest `limit` tool-audit records of one remote (newest last); none when there is no file yet. */
export function readToolAuditTail(file: string, remote: string, limit = 100): ToolAuditRecord[] {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    throw new Error(describeFileError(error, file, 'read the tool audit log'));
  }
  let text: string;
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - TAIL_BYTES);
    const buffer = Buffer.alloc(size - start);
    readSync(fd, buffer, 0, buffer.length, start);
    text = buffer.toString('utf8');
    // A read that starts mid-file starts mid-line: drop that partial first line.
    if (start > 0) text = text.slice(text.indexOf('\n') + 1);
  } finally {
    closeSync(fd);
  }
  const out: ToolAuditRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue; // `burrow audit verify` is the place to report a damaged line
    }
    if (raw.kind !== 'tool-call' || raw.remote !== remote) continue;
    out.push(toRecord(raw));
  }
  return out.slice(-limit);
}

function toRecord(raw: Record<string, unknown>): ToolAuditRecord {
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  if (raw.phase === 'call') {
    const client = raw.client as { name?: unknown } | undefined;
    const args = raw.args && typeof raw.args === 'object' ? JSON.stringify(raw.args) : undefined;
    return {
      time: text(raw.time) ?? '',
      phase: 'call',
      remote: text(raw.remote),
      tool: text(raw.tool) ?? '?',
      client: text(client?.name),
      outcome: `${text(raw.decision) ?? '?'} (${text(raw.decidedBy) ?? '?'})`,
      detail: args && args.length > 300 ? `${args.slice(0, 300)}…` : args,
    };
  }
  const exit = typeof raw.exitCode === 'number' ? `exit ${raw.exitCode}` : text(raw.signal) ? `signal ${text(raw.signal)}` : undefined;
  return {
    time: text(raw.time) ?? '',
    phase: 'result',
    remote: text(raw.remote),
    tool: text(raw.tool) ?? '?',
    outcome: raw.ok ? 'ok' : 'failed',
    detail: [exit, typeof raw.durationMs === 'number' ? `${raw.durationMs} ms` : undefined, text(raw.error)].filter(Boolean).join(' · ') || undefined,
  };
}
