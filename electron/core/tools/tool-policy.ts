import { posix } from 'node:path';
import { toolAction, type CommandRule, type SshToolName, type ToolPolicy } from '../../../shared/tools.js';

export interface PolicyVerdict {
  action: 'allow' | 'ask' | 'deny';
  by: 'policy' | 'command-rule' | 'never-offered';
  /** One line for the person asked, or for the error when denied. */
  reason: string;
  /** The matching command rule, when one decided. */
  rule?: CommandRule;
}

/**
 * The decision policy makes about one call before any person is asked. `text` is the command or shell input
 * the command rules are matched against (execute, sudo, shell input), if the tool has one.
 */
export function decide(policy: ToolPolicy, tool: SshToolName, remote: string, text?: string): PolicyVerdict {
  const action = toolAction(policy, tool);
  if (action === 'deny') return { action, by: 'policy', reason: `policy of ${remote} denies ${tool}` };
  if (text !== undefined) {
    const rules = policy.commandRules;
    const matches = (r: CommandRule) => new RegExp(r.pattern).test(text);
    const denied = rules.find((r) => r.action === 'deny' && matches(r));
    if (denied) return { action: 'deny', by: 'command-rule', rule: denied, reason: `command rule ${ruleText(denied)} of ${remote} denies it` };
    const asked = rules.find((r) => r.action === 'ask' && matches(r));
    if (asked) return { action: 'ask', by: 'command-rule', rule: asked, reason: `command rule ${ruleText(asked)} of ${remote} asks` };
  }
  return { action, by: 'policy', reason: action === 'ask' ? `policy of ${remote} asks before ${tool}` : `policy of ${remote} allows ${tool}` };
}

function ruleText(rule: CommandRule): string {
  return rule.description ? `"${rule.description}" (/${rule.pattern}/)` : `/${rule.pattern}/`;
}

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'fish', 'csh', 'tcsh', 'su', 'busybox']);
/** sudo options that take a value (so the next word is not the command). */
const SUDO_VALUE_OPTIONS = new Set(['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-T', '-U', '-R']);

/**
 * Never offered, whatever the policy says: a root shell by sudo (`sudo -s`, `sudo -i`, `sudo su`, `sudo bash`,
 * …) and writing `/etc/sudoers*`. A guard against the obvious, not a sandbox: it reads the command as words.
 * `asRoot` means the whole text already runs under sudo (ssh_sudo_execute).
 */
export function neverOffered(text: string, asRoot = false): string | undefined {
  for (const words of simpleCommands(text)) {
    const sudoAt = words.findIndex((w) => posix.basename(w) === 'sudo');
    const rootShell = (asRoot && rootShellAfterSudo(words, true)) || (sudoAt >= 0 && rootShellAfterSudo(words.slice(sudoAt + 1), false));
    if (rootShell) {
      return 'a root shell by sudo (sudo -s, sudo -i, sudo su, sudo bash|sh, …) is never offered: run single commands with ssh_sudo_execute';
    }
  }
  if (/\/etc\/sudoers/.test(text) && /(>|\btee\b|\bcp\b|\bmv\b|\binstall\b|\bdd\b|\bsed\b[^;&|]*\s-[a-z]*i|\bln\b|\bch(mod|own)\b|\brm\b|\btruncate\b|\bed\b|\bvim?\b|\bnano\b|\bemacs\b|\bperl\b|\bpython3?\b)/.test(text)) {
    return 'writing /etc/sudoers* is never offered';
  }
  if (/(^|[\s;&|(`/])visudo\b/.test(text) && !/\bvisudo\s+(-[a-z]*c|--check)\b/.test(text)) return 'editing sudoers (visudo) is never offered';
  return undefined;
}

/** Remote paths that are never written, whatever the policy says. */
export function neverWritten(path: string): string | undefined {
  const normal = posix.normalize(path);
  if (normal.startsWith('/etc/sudoers')) return 'writing /etc/sudoers* is never offered';
  return undefined;
}

function rootShellAfterSudo(words: string[], commandOnly: boolean): boolean {
  let i = 0;
  if (!commandOnly) {
    for (; i < words.length; i++) {
      const w = words[i];
      if (w === '--') {
        i++;
        break;
      }
      if (!w.startsWith('-')) break;
      if (w === '--shell' || w === '--login') return true;
      if (w.startsWith('--')) continue;
      if (SUDO_VALUE_OPTIONS.has(w)) {
        i++;
        continue;
      }
      // A cluster of short flags: -s or -i anywhere before a value-taking letter.
      for (const letter of w.slice(1)) {
        if (letter === 's' || letter === 'i') return true;
        if (SUDO_VALUE_OPTIONS.has(`-${letter}`)) break;
      }
    }
  }
  // Wrappers that run the next word as the command.
  while (i < words.length && (['env', 'exec', 'command', 'nohup', 'nice', 'stdbuf', 'setsid'].includes(posix.basename(words[i])) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]) || (i > 0 && words[i].startsWith('-') && ['env', 'nice', 'stdbuf'].includes(posix.basename(words[i - 1]))))) i++;
  // A bare `sudo` (no command) only prints its usage.
  if (i >= words.length) return false;
  const cmd = posix.basename(words[i]);
  if (SHELLS.has(cmd)) return true;
  if (cmd === 'sudo') return rootShellAfterSudo(words.slice(i + 1), false);
  return false;
}

/** Splits a command line into simple commands (at ; & | newlines, $( and backquotes) of unquoted words. */
function simpleCommands(text: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word = '';
  let quote: string | undefined;
  const endWord = () => {
    if (word !== '') words.push(word);
    word = '';
  };
  const endCommand = () => {
    endWord();
    if (words.length) commands.push(words);
    words = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') word += text[++i] ?? '';
      else word += c;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '\\') word += text[++i] ?? '';
    else if (/\s/.test(c) && c !== '\n') endWord();
    else if (';&|\n`()'.includes(c) || (c === '$' && text[i + 1] === '(')) endCommand();
    else word += c;
  }
  endCommand();
  // Quoted text may itself be a command (sh -c '…'): look inside strings of the words too.
  const nested = commands.flatMap((ws) => ws.filter((w) => /[\s;&|]/.test(w)).flatMap((w) => simpleCommands(w)));
  return [...commands, ...nested];
}
