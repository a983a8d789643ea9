import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Frame, Page } from 'playwright-core';
import { launchBrowser, saveScreenshot, ARTIFACTS_DIR } from '../../src/local/browser';
import type { DemoSize } from '../../src/local/demo-data';
import { startLocalHost as startHost, type LocalHost } from '../../src/local/host';

/**
 * The browser tests' handle on `npm start`: the same local Confluence host, on a free port, with
 * its own embedded database in a temporary folder.
 *
 * The embedded database is used even when DATABASE_URL is set: a browser test then proves the
 * host, the bridge and the apps, independently of a PostgreSQL server (the integration tests cover
 * the service on PostgreSQL). The small demo loads in about a second; `demo: 'full'` gives the
 * ~1,000-step plan of `npm start` for the tests that need its size.
 */

export interface HarnessOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Folder for the database and the host's state. Default: a new temporary folder, removed on close. */
  dataDir?: string;
  /** Default 'small'; false: no demo data (a new site, without any UMIG user). */
  demo?: DemoSize | false;
}

export interface HarnessHost extends LocalHost {
  dataDir: string;
}

export async function startLocalHost(options: HarnessOptions = {}): Promise<HarnessHost> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'umig-e2e-')));
  try {
    const host = await startHost({
      port: options.port ?? 0,
      dataDir,
      demo: options.demo ?? 'small',
      // The tests call host.housekeeping() when they want it.
      housekeepingIntervalMs: 0,
      env: { ...process.env, UMIG_LOG_LEVEL: 'info' },
    });
    const close = host.close;
    return {
      ...host,
      dataDir,
      async close() {
        await close();
        if (ownDir) await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (ownDir) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** The frame of the iframe that shows a module (e.g. 'umig-runsheet'), once its document loaded the bundle. */
export async function appFrame(page: Page, moduleKey: string): Promise<Frame> {
  const element = await page.getByTestId(`frame-${moduleKey}`).elementHandle({ timeout: 30_000 });
  const frame = await element?.contentFrame();
  if (!frame) throw new Error(`The page has no iframe for ${moduleKey}.`);
  await frame.waitForLoadState('load');
  return frame;
}

/** One test file's local host and browser, started before its tests and closed after them. */
export interface BrowserTests {
  readonly host: HarnessHost;
  readonly browser: Browser;
  /** A browser context (one user's cookies), closed with the file. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
}

/** Registers the file's beforeAll/afterAll: the host (small demo unless told), the browser, the artifacts folder. */
export function useBrowserTests(options: HarnessOptions = {}): BrowserTests {
  let host: HarnessHost | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    await mkdir(ARTIFACTS_DIR, { recursive: true });
    host = await startLocalHost(options);
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await host?.close();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`The ${what} is not started yet: use it inside a test.`);
    return value;
  };
  return {
    get host() {
      return started(host, 'local host');
    },
    get browser() {
      return started(browser, 'browser');
    },
    async newContext(contextOptions) {
      const context = await started(browser, 'browser').newContext(contextOptions);
      contexts.push(context);
      return context;
    },
  };
}

export { ARTIFACTS_DIR, launchBrowser, saveScreenshot };
