import { spawn } from 'node:child_process';
import { parseCommandArgs } from './cli-args.js';
import { callEngine } from './command-client.js';

const HELP = `usage: burrow ui [--no-open]

Asks the running Burrow engine (started if none runs) to serve its web UI, prints the address
and opens it in the browser (unless --no-open or there is no display).`;

export async function run(args: string[]): Promise<number> {
  const { values } = parseCommandArgs('ui', args, { 'no-open': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, false);
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const { url } = await callEngine('openUi');
  process.stdout.write(`Burrow UI: ${url}\n`);
  if (!values['no-open']) openInBrowser(url);
  return 0;
}

/** The platform's opener; nothing (and no error) where there is no desktop to open it on. */
function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return;
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.on('error', () => {});
  child.unref();
}
