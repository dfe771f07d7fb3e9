import type { PendingHostKey } from '../../shared/approvals.js';
import { commandHelp, parseCommandArgs, parsePort, runSubcommand, type Subcommand } from './cli-args.js';
import { callCommand } from './command-client.js';
import { whenText } from './time-text.js';


const LIST_HELP = `usage: burrow hostkeys list [--json]

Host keys waiting for approval, Burrow's approved keys, and alerts: changed host keys that were
refused (they are never a question). FINGERPRINT is the SHA256:… text "ssh-keygen -lf" prints.
Times are local (TZ); --json gives them as ISO UTC.`;

const APPROVE_HELP = `usage: burrow hostkeys approve FINGERPRINT [--once]

Approves a waiting host key (FINGERPRINT from "burrow hostkeys list"), and remembers it in Burrow's
own approvals; --once lets this connection through without remembering it.`;

const REJECT_HELP = `usage: burrow hostkeys reject FINGERPRINT

Refuses a waiting host key: the connection that waits for it fails with "Host key verification failed."`;

const FORGET_HELP = `usage: burrow hostkeys forget HOST[:PORT]

Removes Burrow's own approvals of HOST (port 22 unless given), never lines of ~/.ssh/known_hosts.`;

const TABLE: Record<string, Subcommand> = {
  list: { help: LIST_HELP, run: list },
  approve: { help: APPROVE_HELP, run: (rest) => answer('approve', rest) },
  reject: { help: REJECT_HELP, run: (rest) => answer('reject', rest) },
  forget: { help: FORGET_HELP, run: forget },
};

const HELP = commandHelp(TABLE, `FINGERPRINT is the SHA256:… text that "burrow hostkeys list" and "ssh-keygen -lf" print.
"list" also shows alerts: changed host keys that were refused (they are never a question).
"forget" removes only Burrow's own approvals, never lines of ~/.ssh/known_hosts.`);

export function run(args: string[]): Promise<number> {
  return runSubcommand('hostkeys', HELP, args, TABLE, { ls: 'list' });
}

async function list(args: string[]): Promise<number> {
  const { values } = parseCommandArgs('hostkeys list', args, { json: { type: 'boolean' } }, false, LIST_HELP);
  const pending = (await callCommand('pendingApprovals')).filter((p): p is PendingHostKey => p.kind === 'host-key');
  const listing = { pending, known: await callCommand('knownHostKeys') };
  const alerts = await callCommand('hostKeyAlerts');
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ ...listing, alerts }, null, 2)}\n`);
    return 0;
  }
  const now = new Date();
  for (const a of alerts) {
    process.stdout.write(`ALERT ${whenText(a.time, now)}: the host key of ${a.host}:${a.port} CHANGED: offered ${a.offeredFingerprint}, expected ${a.expectedFingerprint} (${a.knownAt}); refused\n`);
  }
  const hostPort = (h: string, p: number) => `${h}:${p}`;
  const rows = [['STATE', 'HOST', 'TYPE', 'FINGERPRINT', 'SEEN', 'SOURCE']];
  for (const p of listing.pending) rows.push(['pending', hostPort(p.host, p.port), p.keyType, p.fingerprint, whenText(p.requestedAt, now), p.source]);
  for (const k of listing.known) rows.push(['approved', hostPort(k.host, k.port), k.keyType, k.fingerprint, whenText(k.firstSeen, now), k.source ?? '']);
  if (rows.length === 1) {
    if (alerts.length === 0) process.stdout.write('no host keys pending or approved by Burrow\n');
    return 0;
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const row of rows) process.stdout.write(`${row.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()}\n`);
  return 0;
}

async function answer(verb: 'approve' | 'reject', args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(`hostkeys ${verb}`, args, verb === 'approve' ? { once: { type: 'boolean' } } : {}, true, verb === 'approve' ? APPROVE_HELP : REJECT_HELP);
  const [fingerprint] = positionals;
  if (!fingerprint) throw new Error(`hostkeys ${verb}: give the key's fingerprint (SHA256:…) from burrow hostkeys list`);
  const decision = verb === 'reject' ? 'reject' : values.once ? 'approve-once' : 'approve';
  await callCommand('answerApproval', fingerprint, decision);
  process.stdout.write(`${verb === 'reject' ? 'rejected' : 'approved'} ${fingerprint}\n`);
  return 0;
}

async function forget(args: string[]): Promise<number> {
  const { positionals } = parseCommandArgs('hostkeys forget', args, {}, true, FORGET_HELP);
  const [target] = positionals;
  if (!target) throw new Error('hostkeys forget: give HOST or HOST:PORT');
  const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(target);
  const host = m?.[1] ?? target;
  let port: number;
  try {
    port = parsePort(m?.[2], 'PORT', 22);
  } catch (error) {
    throw new Error(`hostkeys forget: ${(error as Error).message}`);
  }
  const removed = await callCommand('forgetHostKey', host, port);
  process.stdout.write(removed ? `forgot ${removed} key(s) of ${host}:${port}\n` : `Burrow had no approved key for ${host}:${port}\n`);
  return 0;
}
