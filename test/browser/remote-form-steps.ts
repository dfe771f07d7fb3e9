import type { Page } from 'playwright-core';
import { EVERYTHING_COMMAND, type SshdFixture } from '../support/sshd.js';

/** Types a server-everything remote on the test sshd into the open remote form, field by field as a person would. */
export async function fillSshdRemoteForm(page: Page, name: string, sshd: SshdFixture): Promise<void> {
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Host', { exact: true }).fill('127.0.0.1');
  await page.getByLabel('Port', { exact: true }).fill(String(sshd.port));
  await page.getByLabel('User', { exact: true }).fill(sshd.user);
  await page.getByLabel('Key files', { exact: true }).fill(sshd.clientKey);
  await page.getByLabel('Use ssh-agent').uncheck();
  await page.getByLabel('Run a command').check();
  await page.getByLabel('Command', { exact: true }).fill(EVERYTHING_COMMAND);
}
