import type { Page } from 'playwright-core';
import { EVERYTHING_COMMAND, type SshdFixture } from '../support/sshd.js';

type SshdLogin = Pick<SshdFixture, 'port' | 'user' | 'clientKey'>;

/**
 * Types a remote's name and the test sshd's address, login and key into the open remote form, ssh-agent off, and
 * the known_hosts file to check its key against when given (else the window asks to trust the key).
 */
export async function fillSshdLogin(page: Page, name: string, sshd: SshdLogin, knownHostsFile?: string, asOneAddress = false): Promise<void> {
  await page.getByLabel('Name', { exact: true }).fill(name);
  if (asOneAddress) {
    // As ssh takes it, pasted into Host: the form spreads it over Host, User and Port when Host loses focus.
    await page.getByLabel('Host', { exact: true }).fill(`${sshd.user}@127.0.0.1:${sshd.port}`);
    await page.getByLabel('Host', { exact: true }).blur();
  } else {
    await page.getByLabel('Host', { exact: true }).fill('127.0.0.1');
    await page.getByLabel('Port', { exact: true }).fill(String(sshd.port));
    await page.getByLabel('User', { exact: true }).fill(sshd.user);
  }
  await page.getByLabel('Key files', { exact: true }).fill(sshd.clientKey);
  await page.getByLabel('Use ssh-agent').uncheck();
  if (knownHostsFile) await page.getByLabel('known_hosts file').fill(knownHostsFile);
}

/** Types a server-everything remote on the test sshd into the open remote form, field by field as a person would. */
export async function fillSshdRemoteForm(page: Page, name: string, sshd: SshdFixture): Promise<void> {
  await fillSshdLogin(page, name, sshd);
  await page.getByLabel('Run a command').check();
  await page.getByLabel('Command', { exact: true }).fill(EVERYTHING_COMMAND);
}
