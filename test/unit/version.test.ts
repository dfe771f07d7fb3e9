import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BURROW_VERSION } from '../../shared/version.js';
import { REPO } from '../support/sshd.js';

describe('the version', () => {
  it('is said in one place, and that place agrees with package.json', () => {
    expect(BURROW_VERSION).toBe(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version);
  });
});
