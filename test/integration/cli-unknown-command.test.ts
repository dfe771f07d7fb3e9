import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burrowEnv, runBurrow } from '../support/burrow-process.js';
import { startDaemonLab, type DaemonLab } from '../support/daemon.js';

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

describe('burrow call with a tool the remote does not have', () => {
  let lab: DaemonLab;
  let env: Record<string, string>;

  beforeAll(async () => {
    lab = await startDaemonLab();
    ({ env } = lab);
  });

  afterAll(() => lab?.stop());

  it('says the remote has no such tool, with the likely one; a real tool error is still the server’s words', async () => {
    const typo = await runBurrow(['call', 'lab', 'get-smu', 'a=1', 'b=2'], env);
    expect({ code: typo.code, stdout: typo.stdout, stderr: typo.stderr }).toEqual({ code: 1, stdout: '', stderr: 'burrow: call: lab has no tool "get-smu" (did you mean get-sum? burrow tools lab lists them)\n' });
    const none = await runBurrow(['call', 'lab', 'frobnicate'], env);
    expect(none.stderr).toBe('burrow: call: lab has no tool "frobnicate" (burrow tools lab lists them)\n');
    const bad = await runBurrow(['call', 'lab', 'get-sum', 'a="x"', 'b=1'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^burrow: get-sum on lab reported an error: .*a/);
  });
});
