import type { Locator, Page } from 'playwright-core';

/**
 * Fills the open tool's form in the inspector (each field found by the start of its label) and clicks Run tool.
 * Returns the result pane, which a run that follows an earlier one shows already: the caller waits for what it expects.
 */
export async function runOpenTool(page: Page, args: Record<string, string>): Promise<Locator> {
  for (const [name, value] of Object.entries(args)) await page.getByLabel(new RegExp(`^${name}`)).fill(value);
  await page.getByRole('button', { name: 'Run tool' }).click();
  return page.getByTestId('tool-result');
}
