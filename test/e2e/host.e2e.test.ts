/**
 * `npm start`'s local Confluence host in a real browser (Debian chromium through playwright-core):
 * the Confluence-like page, the apps' production builds in cross-origin iframes, the bridge shim,
 * the signed round trip to the UMIG service, the user switcher, the macro config dialog and the
 * theme. Assertions stay on what the host guarantees (page, frames, bridge, identity), not on what
 * each app happens to render; test/e2e/runsheet.e2e.test.ts covers the apps themselves.
 */

import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { queryRows } from '../../src/db/query';
import { BRIDGE_RATE_LIMIT, PageRateLimiter } from '../../src/local/frames';
import { injectShim } from '../../src/local/http';
import { sql } from 'drizzle-orm';
import { appFrame, launchBrowser, saveScreenshot, startLocalHost, type HarnessHost } from './harness';

type Role = 'ADMIN' | 'PILOT' | 'NORMAL';
/** The little of the frame's globals the tests read (the tests are typed without the DOM library). */
interface BridgeWindow {
  __bridge?: { callBridge(command: string, args?: unknown): Promise<unknown> };
  document: { getElementById(id: string): { childElementCount: number } | null };
}
interface RemoteResult {
  success: boolean;
  payload: { status: number; headers: Record<string, string[]>; body: { ok: boolean; data?: unknown; error?: { code: string; message: string } } };
}

const NO_HOST_MESSAGE = 'could not connect to Confluence';

let host: HarnessHost;
let browser: Browser;
let page: Page;
const consoleLines: string[] = [];
let masterPlanId: string;
let secondRehearsalId: string;

const account = (role: Role) => {
  const found = host.accounts.find((candidate) => candidate.role === role);
  if (!found) throw new Error(`The demo data has no ${role} user.`);
  return found;
};

/** callBridge in the frame, exactly as @forge/bridge calls it. */
function callBridge<T = unknown>(frame: Frame, command: string, args?: unknown): Promise<T> {
  return frame.evaluate(
    ([name, input]) => (globalThis as unknown as BridgeWindow).__bridge!.callBridge(name, input) as Promise<T>,
    [command, args] as const,
  );
}

/** What @forge/bridge's invokeRemote sends through callBridge('invoke'), for one resolver call. */
const remoteCall = (functionKey: string, payload: Record<string, unknown>) => ({
  path: '/invoke',
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: { functionKey, payload },
  invokeType: 'ui-remote-fetch',
});

/** Resolves once the frame's document has the bridge shim's __bridge. */
async function bridgeIn(frame: Frame): Promise<Frame> {
  await frame.waitForFunction(() => typeof (globalThis as unknown as BridgeWindow).__bridge?.callBridge === 'function', undefined, { timeout: 30_000 });
  return frame;
}

/** The app frame of a module with the bridge installed and the app mounted. */
async function readyFrame(moduleKey: string): Promise<Frame> {
  const frame = await appFrame(page, moduleKey);
  await bridgeIn(frame);
  // Functions, not strings: a string predicate is eval'd in the frame, which the apps' policy forbids.
  await frame.waitForFunction(() => ((globalThis as unknown as BridgeWindow).document.getElementById('root')?.childElementCount ?? 0) > 0, undefined, {
    timeout: 30_000,
  });
  return frame;
}

/** Follows a same-page navigation the page starts itself (the switcher submits its form). */
async function navigation(action: () => Promise<unknown>): Promise<void> {
  const done = page.waitForResponse((response) => response.request().isNavigationRequest() && response.request().frame() === page.mainFrame() && response.status() === 200);
  await action();
  await done;
  await page.waitForLoadState('load');
}

beforeAll(async () => {
  host = await startLocalHost({ demo: 'small' });
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  page.on('console', (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => consoleLines.push(`pageerror: ${error.message}`));
  const [plan] = await queryRows<{ id: string }>(host.database.db, sql`SELECT plm_id AS id FROM plans_master_plm ORDER BY created_at LIMIT 1`);
  const [second] = await queryRows<{ id: string }>(host.database.db, sql`SELECT ite_id AS id FROM iterations_ite WHERE ite_name = 'Dress Rehearsal 2'`);
  masterPlanId = plan!.id;
  secondRehearsalId = second!.id;
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
});

describe('the local Confluence host (npm start)', () => {
  test('loads the demo: three iterations, the first part-way, and one user per role', () => {
    expect(host.demoLoaded).toBe(true);
    expect(host.accounts.map((candidate) => candidate.role)).toEqual(['ADMIN', 'PILOT', 'NORMAL']);
    for (const demoUser of host.accounts) expect(demoUser.accountId).toMatch(/^557058:[0-9a-f-]{36}$/);
    expect(host.focus).toMatchObject({ iterationName: 'Dress Rehearsal 1', stepId: expect.any(String), phaseId: expect.any(String) });
  });

  test('serves every app exactly as built, with only the bridge shim added before its module script', async () => {
    for (const [resource, folder] of host.manifest.resources) {
      const built = await readFile(path.join(folder, 'index.html'), 'utf8');
      const response = await fetch(`${host.appsOrigin}/apps/${resource}/index.html?frame=none`);
      expect(response.status).toBe(200);
      const served = await response.text();
      expect(served).toBe(injectShim(built));
      expect(served.replace(/<script src="\/__umig\/bridge-shim\.js"><\/script>\s*/, '')).toBe(built);
      expect(served.indexOf('/__umig/bridge-shim.js')).toBeLessThan(served.indexOf('<script type="module"'));
      // Forge's policy: scripts from the app only (no inline script, no eval unless the manifest asks).
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");

      const asset = /src="\.\/(assets\/[^"]+\.js)"/.exec(built)![1]!;
      const bytes = Buffer.from(await (await fetch(`${host.appsOrigin}/apps/${resource}/${asset}`)).arrayBuffer());
      expect(bytes.equals(await readFile(path.join(folder, asset)))).toBe(true);
    }
  });

  test('shows a Confluence-like page with the macros in iframes, a user switcher and the admin page', async () => {
    const response = await page.goto(host.url);
    expect(response?.status()).toBe(200);
    await expect(page.getByTestId('page-title').textContent()).resolves.toContain(`${host.focus!.iterationName}: cutover runsheet`);
    await expect(page.title()).resolves.toContain('Confluence');
    const switcher = page.getByTestId('user-switcher');
    await expect(switcher.inputValue()).resolves.toBe(account('ADMIN').accountId);
    const offered = await Promise.all((await switcher.locator('option').all()).map((option) => option.getAttribute('value')));
    expect(offered).toEqual(expect.arrayContaining(host.accounts.map((candidate) => candidate.accountId)));

    for (const module of host.manifest.modules.filter((candidate) => candidate.type === 'macro')) {
      const src = await page.getByTestId(`frame-${module.key}`).getAttribute('src');
      // Another origin than the page's, as Forge serves Custom UI.
      expect(src?.startsWith(`${host.appsOrigin}/apps/${module.resource}/index.html?frame=`)).toBe(true);
    }
    const runsheet = await readyFrame('umig-runsheet');
    const scripts = await runsheet.evaluate('[...document.scripts].map((script) => script.getAttribute("src"))');
    expect((scripts as string[])[0]).toBe('/__umig/bridge-shim.js');
    expect(scripts).toEqual(expect.arrayContaining([expect.stringMatching(/^\.\/assets\/.+\.js$/)]));
    await expect(runsheet.locator('body').innerText()).resolves.not.toContain(NO_HOST_MESSAGE);

    const context = await callBridge<Record<string, unknown>>(runsheet, 'getContext');
    expect(context).toMatchObject({
      accountId: account('ADMIN').accountId,
      moduleKey: 'umig-runsheet',
      localId: expect.any(String),
      environmentType: 'DEVELOPMENT',
      extension: { type: 'macro', isEditing: false, config: { iterationId: host.focus!.iterationId } },
      theme: { colorMode: 'light' },
    });
    const stepView = await readyFrame('umig-step-view');
    await expect(callBridge(stepView, 'getContext')).resolves.toMatchObject({ extension: { config: { stepId: host.focus!.stepId } } });
    await saveScreenshot(page, 'host-page-admin');

    await navigation(() => page.getByTestId('admin-link').click());
    const admin = await readyFrame('umig-admin');
    await expect(callBridge(admin, 'getContext')).resolves.toMatchObject({ moduleKey: 'umig-admin', extension: { type: 'confluence:globalSettings' } });
    await saveScreenshot(page, 'host-admin-page');
  });

  test('forwards invokeRemote to the UMIG service, signed for the user on the page', async () => {
    await page.goto(host.url);
    const runsheet = await readyFrame('umig-runsheet');
    const before = host.invocations().length;
    const seen = page.waitForResponse((response) => /\/__umig\/frames\/[^/]+\/invoke$/.test(response.url()));
    const result = await callBridge<RemoteResult>(runsheet, 'invoke', remoteCall('runsheet/get', { iterationId: host.focus!.iterationId }));
    expect(result).toMatchObject({ success: true, payload: { status: 200, body: { ok: true } } });
    expect(result.payload.headers['content-type']?.[0]).toContain('application/json');
    expect((await seen).status()).toBe(200);
    const record = host.invocations().slice(before).find((call) => call.functionKey === 'runsheet/get');
    expect(record).toMatchObject({ moduleKey: 'umig-runsheet', accountId: account('ADMIN').accountId, status: 200, outcome: 'ok' });

    // An administrator may instantiate plans; this one is already instantiated in that iteration.
    const again = await callBridge<RemoteResult>(runsheet, 'invoke', remoteCall('planInstances/create', { iterationId: secondRehearsalId, masterPlanId }));
    expect(again.payload.body.error?.code).toBe('CONFLICT');
  });

  test('switches the user: the bridge passes the new account on, the resolvers decide', async () => {
    await page.goto(host.url);
    const normal = account('NORMAL');
    await navigation(() => page.getByTestId('user-switcher').selectOption(normal.accountId));
    await expect(page.getByTestId('user-switcher').inputValue()).resolves.toBe(normal.accountId);
    const runsheet = await readyFrame('umig-runsheet');
    await expect(callBridge(runsheet, 'getContext')).resolves.toMatchObject({ accountId: normal.accountId });
    const refused = await callBridge<RemoteResult>(runsheet, 'invoke', remoteCall('planInstances/create', { iterationId: secondRehearsalId, masterPlanId }));
    expect(refused.payload.body.error?.code).toBe('FORBIDDEN');
    expect(host.invocations().at(-1)).toMatchObject({ accountId: normal.accountId, functionKey: 'planInstances/create', outcome: 'FORBIDDEN' });
    await readyFrame('umig-step-view');
    await saveScreenshot(page, 'host-page-normal');

    // ?as= works on any page; NONE is a Confluence user UMIG does not know.
    await page.goto(`${host.url}?as=NONE`);
    const unknown = await callBridge<RemoteResult>(await readyFrame('umig-runsheet'), 'invoke', remoteCall('runsheet/get', { iterationId: host.focus!.iterationId }));
    expect(unknown.payload.body.error?.code).toBe('UNKNOWN_USER');
    await page.goto(`${host.url}?as=ADMIN`);
    await expect(page.getByTestId('user-switcher').inputValue()).resolves.toBe(account('ADMIN').accountId);
  });

  test('saves what the config dialog submits on that macro instance, then reloads the macro', async () => {
    await page.goto(host.url);
    const runsheet = await readyFrame('umig-runsheet');
    await page.getByTestId('edit-umig-runsheet').click();
    const dialog = page.locator('#config-dialog');
    await dialog.waitFor({ state: 'visible' });
    const configFrame = await (await dialog.locator('iframe').elementHandle()).contentFrame();
    await bridgeIn(configFrame!);
    await expect(callBridge(configFrame!, 'getContext')).resolves.toMatchObject({
      moduleKey: 'umig-runsheet',
      extension: { type: 'macro', isEditing: true, config: { iterationId: host.focus!.iterationId } },
    });

    const reloaded = page.waitForResponse((response) => response.url().includes('/apps/runsheet/index.html'));
    await expect(callBridge(configFrame!, 'submit', { config: { iterationId: secondRehearsalId } })).resolves.toBe(true);
    await dialog.waitFor({ state: 'hidden' });
    await reloaded;
    await bridgeIn(runsheet);
    await expect(callBridge(runsheet, 'getContext')).resolves.toMatchObject({ extension: { config: { iterationId: secondRehearsalId } } });

    const saved = JSON.parse(await readFile(path.join(host.dataDir, 'host-state.json'), 'utf8')) as { macros: Array<{ moduleKey: string; config?: Record<string, unknown> }> };
    expect(saved.macros.find((macro) => macro.moduleKey === 'umig-runsheet')?.config).toEqual({ iterationId: secondRehearsalId });
    expect(saved.macros.find((macro) => macro.moduleKey === 'umig-step-view')?.config).toMatchObject({ stepId: host.focus!.stepId });

    // A macro's own view is neither submittable nor closable, as in Confluence.
    await expect(callBridge(runsheet, 'submit', { config: {} })).resolves.toBe(false);
    await expect(callBridge(runsheet, 'close')).resolves.toBe(false);

    // Put the demo's iteration back, through the dialog's Cancel path first (close keeps the config).
    await page.getByTestId('edit-umig-runsheet').click();
    await dialog.waitFor({ state: 'visible' });
    const again = await (await dialog.locator('iframe').elementHandle()).contentFrame();
    await bridgeIn(again!);
    await expect(callBridge(again!, 'close')).resolves.toBe(true);
    await dialog.waitFor({ state: 'hidden' });
    await page.getByTestId('edit-umig-runsheet').click();
    const third = await (await dialog.locator('iframe').elementHandle()).contentFrame();
    await bridgeIn(third!);
    await callBridge(third!, 'submit', { config: { iterationId: host.focus!.iterationId } });
    await dialog.waitFor({ state: 'hidden' });
  });

  test('applies the Confluence theme: view.theme.enable sets the colour mode and the design tokens', async () => {
    await page.goto(host.url);
    const light = await readyFrame('umig-runsheet');
    await callBridge(light, 'enableTheming');
    await expect(light.evaluate('document.documentElement.getAttribute("data-color-mode")')).resolves.toBe('light');
    const lightSurface = await light.evaluate('getComputedStyle(document.documentElement).getPropertyValue("--ds-surface").trim()');
    expect(lightSurface).toMatch(/^#/);

    await navigation(() => page.getByTestId('theme-switch').click());
    await expect(page.locator('html').getAttribute('data-color-mode')).resolves.toBe('dark');
    const dark = await readyFrame('umig-runsheet');
    await callBridge(dark, 'enableTheming');
    await expect(dark.evaluate('document.documentElement.getAttribute("data-color-mode")')).resolves.toBe('dark');
    await expect(callBridge(dark, 'getContext')).resolves.toMatchObject({ theme: { colorMode: 'dark' } });
    const darkSurface = await dark.evaluate('getComputedStyle(document.documentElement).getPropertyValue("--ds-surface").trim()');
    expect(darkSurface).toMatch(/^#/);
    expect(darkSurface).not.toBe(lightSurface);
    await saveScreenshot(page, 'host-page-dark');
    await navigation(() => page.getByTestId('theme-switch').click());
    await expect(page.locator('html').getAttribute('data-color-mode')).resolves.toBe('light');
  });

  test('refuses what it does not emulate, with a clear console warning', async () => {
    await page.goto(host.url);
    const runsheet = await readyFrame('umig-runsheet');
    const refusal = await runsheet.evaluate(`window.__bridge.callBridge('openRovo', {}).then(() => 'resolved', (error) => error.message)`);
    expect(refusal).toContain('openRovo');
    expect(consoleLines.some((line) => line.startsWith('warning:') && line.includes('"openRovo" is not emulated'))).toBe(true);
    // invoke() is for function resolvers; these modules resolve through a Forge Remote endpoint.
    const classic = await runsheet.evaluate(
      `window.__bridge.callBridge('invoke', { functionKey: 'runsheet/get', payload: {} }).then(() => 'resolved', (error) => error.message)`,
    );
    expect(classic).toContain('invokeRemote');
  });

  test('answers only on loopback host names (DNS rebinding)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: host.port, path: '/', headers: { host: `attacker.example:${host.port}` } }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        })
        .on('error', reject);
    });
    expect(status).toBe(403);
  });

  test('runs what its minute timer runs: the service housekeeping and the due import schedules', async () => {
    await expect(host.housekeeping()).resolves.toEqual(expect.any(Object));
    // The demo defines no import schedule.
    await expect(host.runScheduledImports()).resolves.toEqual([]);
  });
});

describe('the bridge rate limit of the host (Forge: 500 calls per 25 s per page)', () => {
  test('refuses the 501st call of a page view within 25 s, and takes calls again once the window moved on', () => {
    const limiter = new PageRateLimiter();
    const start = 1_000_000;
    for (let call = 0; call < BRIDGE_RATE_LIMIT.calls; call++) expect(limiter.take('page-a', start + call)).toBe(true);
    expect(limiter.take('page-a', start + 600)).toBe(false);
    // Another page view has its own count.
    expect(limiter.take('page-b', start + 600)).toBe(true);
    expect(limiter.take('page-a', start + BRIDGE_RATE_LIMIT.windowMs + 1)).toBe(true);
  });
});
