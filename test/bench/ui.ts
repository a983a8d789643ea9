/**
 * The runsheet in a real browser, as `npm start` serves it with the ~1,000-step demo: how long
 * until the table is interactive after navigation, and how long a filter change takes to repaint.
 * Needs Debian's chromium (/usr/bin/chromium); returns null without it.
 */
import { existsSync } from 'node:fs';
import { appFrame, launchBrowser, startLocalHost } from '../e2e/harness';
import { DEMO_PAGE_PATH, searchRepaints } from '../e2e/runsheet-probe';

export interface RunsheetUiBench {
  steps: number;
  ui_interactive_ms: number;
  filter_repaint_ms: number;
  filter_repaint_max_ms: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function benchRunsheetUi(): Promise<RunsheetUiBench | null> {
  if (!existsSync('/usr/bin/chromium')) return null;
  const host = await startLocalHost({ port: 0, demo: 'full' });
  const browser = await launchBrowser();
  try {
    const pilot = host.accounts.find((account) => account.role === 'PILOT') ?? host.accounts[0]!;
    const page = await (await browser.newContext({ viewport: { width: 1600, height: 1300 } })).newPage();
    const openedAt = Date.now();
    await page.goto(new URL(`/__umig/switch?as=${encodeURIComponent(pilot.accountId)}&to=${encodeURIComponent(DEMO_PAGE_PATH)}`, host.url).href);
    const frame = await appFrame(page, 'umig-runsheet');
    await frame.locator('[role="row"][data-row-kind="step"]').first().waitFor({ timeout: 60_000 });
    const interactiveMs = Date.now() - openedAt;
    const steps = Number(await frame.locator('body').getAttribute('data-umig-shown-steps'));
    // Warm once (first paint of the filtered list), then measure a user narrowing and clearing a search.
    await searchRepaints(frame, ['warm', '']);
    const repaints = await searchRepaints(frame);
    return { steps, ui_interactive_ms: interactiveMs, filter_repaint_ms: median(repaints), filter_repaint_max_ms: Math.max(...repaints) };
  } finally {
    await browser.close();
    await host.close();
  }
}
