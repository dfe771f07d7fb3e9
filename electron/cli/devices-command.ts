import type { CommandArgs, CommandName, CommandResult } from '../../shared/commands.js';
import type { DeviceListing } from '../../shared/devices.js';
import { requestDaemon } from '../core/ipc/ipc-client.js';
import { burrowHome } from '../core/paths.js';
import { DeviceStore } from '../core/sshserver/device-store.js';
import { deviceKeyWanted } from '../../shared/approvals.js';
import { parseCommandArgs, parsePort, runSubcommand } from './cli-args.js';
import { isNoEngine } from './command-client.js';
import { whenText } from './time-text.js';

const HELP = `usage: burrow devices list [--json]
       burrow devices approve FINGERPRINT --name NAME [--port PORT]
       burrow devices reject FINGERPRINT
       burrow devices forget NAME

Edge devices dial into Burrow's SSH server (burrow daemon --listen [ADDR:]PORT) with
  ssh -N -R PORT:localhost:22 -p LISTEN_PORT burrow@THIS_MACHINE
An unknown device key waits here until approved; an approved device may forward only its one PORT.
A remote reaches it with "tunnel": { "device": NAME } (its sshd's host key is approved as for any remote).`;

export function run(args: string[]): Promise<number> {
  return runSubcommand(
    'devices',
    HELP,
    args,
    { list: { help: HELP, run: list }, approve: { help: HELP, run: approve }, reject: { help: HELP, run: reject }, forget: { help: HELP, run: forget } },
    { ls: 'list', rm: 'forget' },
  );
}

/** Asks the running engine; without one, answers what the file alone can (list, forget). */
async function ask<N extends CommandName>(name: N, args: CommandArgs<N>, offline?: () => CommandResult<N>): Promise<CommandResult<N>> {
  try {
    return await requestDaemon<CommandResult<N>>(name, args);
  } catch (error) {
    if (!isNoEngine(error)) throw error;
    if (!offline) throw new Error('no Burrow daemon runs, so no device waits for approval (start one with: burrow daemon --listen [ADDR:]PORT)');
    return offline();
  }
}

async function list(args: string[]): Promise<number> {
  const { values } = parseCommandArgs('devices list', args, { json: { type: 'boolean' } }, false);
  const listing = await ask('listDevices', [], (): DeviceListing => ({ devices: new DeviceStore(burrowHome()).list().map((d) => ({ ...d, tunnel: 'down' as const })), pending: [] }));
  if (values.json) {
    process.stdout.write(`${JSON.stringify(listing, null, 2)}\n`);
    return 0;
  }
  const now = new Date();
  if (listing.listening) process.stdout.write(`Burrow SSH server on ${listing.listening}, host key ${listing.serverFingerprint}\n`);
  for (const p of listing.pending) process.stdout.write(`PENDING ${deviceKeyWanted(p)} (${whenText(p.requestedAt, now)}); burrow devices approve ${p.fingerprint} --name NAME\n`);
  if (listing.devices.length === 0) {
    if (listing.pending.length === 0) process.stdout.write('no devices approved\n');
    return 0;
  }
  const rows = [['NAME', 'TUNNEL', 'PORT', 'FINGERPRINT', 'LAST SEEN', 'FROM']];
  for (const d of listing.devices) rows.push([d.name, d.tunnel, String(d.port), d.fingerprint, whenText(d.lastSeenAt, now), d.address ?? d.lastAddress ?? '']);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const row of rows) process.stdout.write(`${row.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()}\n`);
  return 0;
}

async function approve(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('devices approve', args, { name: { type: 'string' }, port: { type: 'string' } });
  const [fingerprint] = positionals;
  if (!fingerprint) throw new Error('devices approve: give the device key\'s fingerprint (SHA256:…) from burrow devices list');
  if (!values.name) throw new Error('devices approve: give the device a name with --name NAME (remotes point at it by that name)');
  const port = values.port === undefined ? undefined : parsePort(values.port, '--port', 0);
  const device = await ask('approveDevice', [fingerprint, values.name, port]);
  process.stdout.write(`approved device "${device.name}" (${fingerprint}) for port ${device.port}; it is let in when it dials again\n`);
  return 0;
}

async function reject(args: string[]): Promise<number> {
  const { positionals } = parseCommandArgs('devices reject', args, {});
  const [fingerprint] = positionals;
  if (!fingerprint) throw new Error('devices reject: give the device key\'s fingerprint (SHA256:…) from burrow devices list');
  await ask('rejectDevice', [fingerprint]);
  process.stdout.write(`rejected ${fingerprint}\n`);
  return 0;
}

async function forget(args: string[]): Promise<number> {
  const { positionals } = parseCommandArgs('devices forget', args, {});
  const [name] = positionals;
  if (!name) throw new Error('devices forget: give the device\'s NAME (burrow devices list)');
  const removed = await ask('forgetDevice', [name], () => new DeviceStore(burrowHome()).remove(name));
  process.stdout.write(removed ? `forgot device "${name}"\n` : `no device named "${name}"\n`);
  return removed ? 0 : 1;
}
