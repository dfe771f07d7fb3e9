/**
 * `npm run bench`'s reference path: a Node process that only pipes its stdio to a command (ssh) and back.
 * It does nothing per message, so what it adds over ssh alone is the least any Node process on the path costs:
 * one more process to wake and two stream reads and writes a call.
 */
import { spawn } from 'node:child_process';

const [command, ...args] = process.argv.slice(2);
const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
process.stdin.pipe(child.stdin);
child.stdout.pipe(process.stdout);
child.on('exit', (code) => process.exit(code ?? 1));
