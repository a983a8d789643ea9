import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { launchBrowser, saveScreenshot } from './browser';
import { startLocalHost } from './host';
import { REPO_ROOT } from './manifest';

/**
 * `npx tsx src/local/capture-screenshot.ts`: the README's picture, docs/screenshots/runsheet.png.
 * A fresh host with the full demo (about 1,000 steps) in a temporary folder, the page as the demo
 * pilot at 1280x800, scrolled to the runsheet macro once it shows its rows.
 */
async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'umig-screenshot-'));
  const host = await startLocalHost({ port: 0, dataDir, demo: 'full', housekeepingIntervalMs: 0, log: (line) => console.log(line) });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const pilot = host.accounts.find((account) => account.role === 'PILOT') ?? host.accounts[0];
    await page.goto(`${host.url}?as=${encodeURIComponent(pilot?.accountId ?? 'ADMIN')}`);
    const runsheet = page.frameLocator('[data-testid="frame-umig-runsheet"]');
    await runsheet.locator('[role="row"]').nth(3).waitFor({ timeout: 60_000 });
    // The finished sequences and phases folded away, so the picture shows where the run is now.
    // Best effort: the picture is still taken if the runsheet's markup changed.
    try {
      for (let fold = 0; fold < 12; fold++) {
        const done = runsheet.locator('[role="row"][aria-expanded="true"][data-row-kind]').filter({ hasText: '100%' }).first();
        if ((await done.count()) === 0) break;
        await done.click({ timeout: 5_000 });
        await page.waitForTimeout(200);
      }
    } catch (error) {
      console.warn(`Could not fold the finished rows: ${error instanceof Error ? error.message : String(error)}`);
    }
    // Scrolled so the runsheet fills the picture under Confluence's (sticky) header.
    const scrollTo = (top: number) => page.evaluate((y) => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, y), top);
    await scrollTo(0);
    const macro = await page.locator('.macro[data-module-key="umig-runsheet"]').boundingBox();
    await scrollTo(Math.max(0, (macro?.y ?? 0) - 165));
    await page.waitForTimeout(500);
    const file = await saveScreenshot(page, 'runsheet', { dir: path.join(REPO_ROOT, 'docs', 'screenshots') });
    console.log(`Saved ${path.relative(REPO_ROOT, file)}`);
  } finally {
    await browser.close();
    await host.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
