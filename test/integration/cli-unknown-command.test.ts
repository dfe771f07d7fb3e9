import { describe, expect, it } from 'vitest';
import { burrowEnv, runBurrow } from '../support/burrow-process.js';

/** A mistyped command: one line naming the likely one, as a mistyped option gets, and exit 2. */
describe('burrow with an unknown command', () => {
  const env = burrowEnv();

  it.each([
    ['cal', 'burrow: unknown command "cal" (did you mean call? burrow --help lists the commands)'],
    ['stauts', 'burrow: unknown command "stauts" (did you mean status? burrow --help lists the commands)'],
    ['hostkey', 'burrow: unknown command "hostkey" (did you mean hostkeys? burrow --help lists the commands)'],
    ['frobnicate', 'burrow: unknown command "frobnicate" (burrow --help lists the commands)'],
    // Names every object has are not commands either (they crashed with "command.run is not a function").
    ['constructor', 'burrow: unknown command "constructor" (burrow --help lists the commands)'],
    ['toString', 'burrow: unknown command "toString" (burrow --help lists the commands)'],
  ])('burrow %s', async (name, line) => {
    const r = await runBurrow([name, 'demo'], env);
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 2, stdout: '', stderr: `${line}\n` });
  });
});
