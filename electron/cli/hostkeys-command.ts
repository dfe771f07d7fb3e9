import type { PendingHostKey } from '../../shared/approvals.js';
import { parseCommandArgs, parsePort, runSubcommand } from './cli-args.js';
import { callCommand } from './command-client.js';

const HELP = `usage: burrow hostkeys list [--json]
       burrow hostkeys approve FINGERPRINT [--once]
       burrow hostkeys reject FINGERPRINT
       burrow hostkeys forget HOST[:PORT]

FINGERPRINT is the SHA256:… text that "burrow hostkeys list" and "ssh-keygen -lf" print.
"list" also shows alerts: changed host keys that were refused (they are never a question).
"forget" removes only Burrow's own approvals, never lines of ~/.ssh/known_hosts.`;

export function run(args: string[]): Promise<number> {
  return runSubcommand('hostkeys', HELP, args, {
    list,
    approve: (rest) => answer('approve', rest),
    reject: (rest) => answer('reject', rest),
    forget,
  }, { ls: 'list' });
}

async function list(args: string[]): Promise<number> {
  const { values } = parseCommandArgs('hostkeys list', args, { json: { type: 'boolean' } }, false);
  const pending = (await callCommand('pendingApprovals')).filter((p): p is PendingHostKey => p.kind === 'host-key');
  const listing = { pending, known: await callCommand('knownHostKeys') };
  const alerts = await callCommand('hostKeyAlerts');
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ ...listing, alerts }, null, 2)}\n`);
    return 0;
  }
  for (const a of alerts) {
    process.stdout.write(`ALERT ${a.time}: the host key of ${a.host}:${a.port} CHANGED: offered ${a.offeredFingerprint}, expected ${a.expectedFingerprint} (${a.knownAt}); refused\n`);
  }
  const hostPort = (h: string, p: number) => `${h}:${p}`;
  const rows = [['STATE', 'HOST', 'TYPE', 'FINGERPRINT', 'SEEN', 'SOURCE']];
  for (const p of listing.pending) rows.push(['pending', hostPort(p.host, p.port), p.keyType, p.fingerprint, p.requestedAt, p.source]);
  for (const k of listing.known) rows.push(['approved', hostPort(k.host, k.port), k.keyType, k.fingerprint, k.firstSeen ?? '', k.source ?? '']);
  if (rows.length === 1) {
    if (alerts.length === 0) process.stdout.write('no host keys pending or approved by Burrow\n');
    return 0;
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const row of rows) process.stdout.write(`${row.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()}\n`);
  return 0;
}

async function answer(verb: 'approve' | 'reject', args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(`hostkeys ${verb}`, args, { once: { type: 'boolean' } });
  const [fingerprint] = positionals;
  if (!fingerprint) throw new Error(`hostkeys ${verb}: give the key's fingerprint (SHA256:…) from burrow hostkeys list`);
  const decision = verb === 'reject' ? 'reject' : values.once ? 'approve-once' : 'approve';
  await callCommand('answerApproval', fingerprint, decision);
  process.stdout.write(`${verb === 'reject' ? 'rejected' : 'approved'} ${fingerprint}\n`);
  return 0;
}

async function forget(args: string[]): Promise<number> {
  const { positionals } = parseCommandArgs('hostkeys forget', args, {});
  const [target] = positionals;
  if (!target) throw new Error('hostkeys forget: give HOST or HOST:PORT');
  const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(target);
  const host = m?.[1] ?? target;
  const port = parsePort(m?.[2], 'PORT', 22);
  const removed = await callCommand('forgetHostKey', host, port);
  process.stdout.write(removed ? `forgot ${removed} key(s) of ${host}:${port}\n` : `Burrow had no approved key for ${host}:${port}\n`);
  return 0;
}
