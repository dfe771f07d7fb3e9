/**
 * The `burrow` command. Each subcommand is imported only when used, so `burrow connect`
 * (what MCP hosts start) loads no more than piping needs.
 */
import { BURROW_VERSION } from '../../shared/version.js';

const USAGE = `usage: burrow <command> [options]

  connect --remote NAME             relay stdio to a saved remote through the running Burrow
  connect --host H [m2m flags]      relay stdio to H over SSH, nothing else needed
  daemon [--ui] [--ui-port N]       run the engine headless (and the web UI); daemon stop stops it
  status [--json]                   is an engine running, its remotes, sessions and what waits for you
  ui                                open the running engine's web UI
  tools REMOTE [--json]             a remote's tools, prompts and resources, read live (@tools: the built-in SSH tools)
  call REMOTE TOOL [KEY=VALUE]...   call one tool and print its result (burrow call @tools ssh_connect remote=NAME)
  remote add|edit|list|remove|import   manage saved remotes (import: ~/.ssh/config, connections.json)
  connect --tools [--remote NAME]...   Burrow's built-in SSH tools for remotes saved with --tools
  approvals list|allow|deny         tool calls that wait for a person
  hostkeys list|approve|reject|forget   host keys waiting for approval, and approved ones
  secrets list|enter|refuse         passphrases and passwords saved remotes wait for
  devices list|approve|reject|forget    edge devices that dial in (burrow daemon --listen PORT)
  keys generate [PATH]              make an ed25519 key pair
  audit verify|tail                 check or show the built-in SSH tools' hash-chained audit log
  install|uninstall HOST            write Burrow into an MCP host's config (claude-desktop, cursor, vscode, claude-code)

Run "burrow <command> --help" for a command's options.`;

const commands: Record<string, () => Promise<{ run: (args: string[]) => Promise<number> }>> = {
  connect: () => import('./connect-command.js'),
  daemon: () => import('./daemon-command.js'),
  status: () => import('./status-command.js'),
  approvals: () => import('./approvals-command.js'),
  ui: () => import('./ui-command.js'),
  tools: async () => ({ run: (await import('./tools-command.js')).runTools }),
  call: async () => ({ run: (await import('./tools-command.js')).runCall }),
  remote: () => import('./remote-command.js'),
  hostkeys: () => import('./hostkeys-command.js'),
  secrets: () => import('./secrets-command.js'),
  devices: () => import('./devices-command.js'),
  keys: () => import('./keys-command.js'),
  install: () => import('./install-command.js'),
  uninstall: () => import('./install-command.js'),
  audit: () => import('./audit-command.js'),
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`burrow ${BURROW_VERSION}\n`);
    return 0;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!load) {
    // One line with the likely command, as option typos get; the whole usage buried the mistake.
    const { nearestOption } = await import('./cli-args.js');
    const nearest = nearestOption(name, Object.keys(commands));
    process.stderr.write(`burrow: unknown command "${name}" (${nearest ? `did you mean ${nearest}? ` : ''}burrow --help lists the commands)\n`);
    return 2;
  }
  const command = await load();
  return command.run(name === 'uninstall' || name === 'install' ? [name, ...rest] : rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    // Exit explicitly: stdin (and timers of the engine) would keep a finished helper alive.
    process.stdout.write('', () => process.exit(code));
  },
  (error: Error) => {
    process.stderr.write(`burrow: ${error.message.replace(/\s*\n\s*/g, ' | ')}\n`);
    process.exit(1);
  },
);
