import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from './manifest';

/**
 * Chromium for the browser tests and the README screenshot: the Debian package's binary driven
 * by playwright-core (no browser download), headless and without the network chatter of a
 * normal profile.
 */
export const CHROMIUM_PATH = process.env.UMIG_CHROMIUM_PATH?.trim() || '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    // A newcomer's first `npm test` should say what to install, not print a playwright stack.
    return Promise.reject(
      new Error(`Chromium is not installed at ${CHROMIUM_PATH}: run "apt-get install chromium" (or set UMIG_CHROMIUM_PATH) for the browser tests.`),
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** test/e2e/artifacts (git-ignored): where the browser tests leave their screenshots. */
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'test', 'e2e', 'artifacts');

/** Saves a PNG of the page (the viewport unless fullPage) and returns its path. */
export async function saveScreenshot(page: Page, name: string, options: { fullPage?: boolean; dir?: string } = {}): Promise<string> {
  const dir = options.dir ?? ARTIFACTS_DIR;
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.png`);
  await page.screenshot({ path: file, fullPage: options.fullPage ?? false });
  return file;
}
