/**
 * People join UMIG without anyone typing account ids (issue 10 §2), in a real browser on the local
 * Confluence-like host: on a new site the Confluence site administrator claims UMIG's first
 * administrator on the administration page and adds a colleague with the Confluence user picker;
 * on a running site a newcomer who opens the runsheet page registers by themselves, is told they
 * wait for approval, and sees the runsheet once an administrator activates them.
 *
 * Screenshots go to test/e2e/artifacts/.
 */

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core';
import { queryRows } from '../../src/db/query';
import { NEW_PERSON, SITE_ADMINISTRATOR } from '../../src/local/directory';
import { ARTIFACTS_DIR, launchBrowser, startLocalHost } from './harness';

type Host = Awaited<ReturnType<typeof startLocalHost>>;

const ADMIN_PATH = '/wiki/admin/umig';
const PAGE_PATH = '/wiki/spaces/CBM/pages/1001';

let browser: Browser;
const contexts: BrowserContext[] = [];

async function openAs(host: Host, accountId: string, to: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.warn(`[${accountId}] page error: ${error.message}`));
  await page.goto(new URL(`/__umig/switch?as=${encodeURIComponent(accountId)}&to=${encodeURIComponent(to)}`, host.url).href);
  return page;
}

const adminFrame = (page: Page): FrameLocator => page.frameLocator('[data-testid="frame-umig-admin"]');

async function userRow(host: Host, accountId: string) {
  const [row] = await queryRows<{ code: string; first: string; last: string; email: string; active: boolean; admin: boolean | null; role: string | null }>(
    host.database.db,
    sql`SELECT u.usr_code AS code, u.usr_first_name AS first, u.usr_last_name AS last, u.usr_email AS email, u.usr_active AS active, u.usr_is_admin AS admin, r.rls_code AS role
          FROM users_usr u LEFT JOIN roles_rls r ON r.rls_id = u.rls_id WHERE u.usr_confluence_user_id = ${accountId}`,
  );
  return row;
}

async function screenshot(page: Page, name: string, selector: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, `${name}-page.png`), fullPage: true });
  await page.locator(selector).screenshot({ path: path.join(ARTIFACTS_DIR, `${name}.png`) });
}

beforeAll(async () => {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
});

describe('a new site: the first administrator', () => {
  let host: Host;
  beforeAll(async () => {
    host = await startLocalHost({ port: 0, demo: false });
  }, 300_000);
  afterAll(async () => {
    await host?.close();
  });

  test('someone who is not a Confluence site administrator does not get the administration page', async () => {
    const page = await openAs(host, NEW_PERSON.accountId, ADMIN_PATH);
    await page.getByTestId('admin-page-refused').waitFor();
    await expect(page.locator('[data-testid="frame-umig-admin"]').count()).resolves.toBe(0);
  });

  test('the site administrator claims UMIG administration, then adds a colleague found by name', async () => {
    const page = await openAs(host, SITE_ADMINISTRATOR.accountId, ADMIN_PATH);
    const admin = adminFrame(page);
    const offer = admin.getByTestId('first-administrator');
    await offer.waitFor({ timeout: 60_000 });
    await expect(offer.textContent()).resolves.toContain('UMIG has no administrator yet');
    await screenshot(page, 'people-first-administrator', '[data-testid="frame-umig-admin"]');
    await offer.getByRole('button', { name: 'Become the first UMIG administrator' }).click();
    await admin.getByRole('navigation', { name: 'Administration sections' }).waitFor({ timeout: 60_000 });
    // The name and email came from Confluence (requestConfluence), the account id from the token.
    expect(await userRow(host, SITE_ADMINISTRATOR.accountId)).toEqual({ code: 'RAS', first: 'Robin', last: 'Ashe', email: 'robin.ashe@example.com', active: true, admin: true, role: 'ADMIN' });

    // Users: add Priya Raman, picked by typing part of her name, as a pilot.
    const panel = admin.getByTestId('add-from-confluence');
    await panel.waitFor();
    const person = admin.getByRole('combobox', { name: 'Person', exact: true });
    await person.click();
    await person.fill('pri');
    await admin.getByRole('option', { name: /Priya Raman \(priya\.raman@example\.com\)/ }).click();
    const role = admin.getByRole('combobox', { name: 'Role', exact: true });
    await role.click();
    await admin.getByRole('option', { name: /\(PILOT\)/ }).click();
    await panel.getByRole('button', { name: 'Add to UMIG' }).click();
    // The live region is on the page from the start; wait for its sentence.
    const done = admin.getByTestId('add-from-confluence-done').filter({ hasText: /\S/ });
    await done.waitFor();
    await expect(done.textContent()).resolves.toMatch(/^Priya Raman \(PRA\) can now use UMIG\./);
    await admin.getByRole('table', { name: 'Users', exact: true }).getByRole('row', { name: /Priya Raman/ }).waitFor();
    await screenshot(page, 'people-added-from-confluence', '[data-testid="frame-umig-admin"]');
    expect(await userRow(host, '557058:00000000-0000-4000-8000-00000000a004')).toEqual({ code: 'PRA', first: 'Priya', last: 'Raman', email: 'priya.raman@example.com', active: true, admin: false, role: 'PILOT' });

    // Nobody else can claim any more: the offer is gone for a second visit.
    const again = await openAs(host, SITE_ADMINISTRATOR.accountId, ADMIN_PATH);
    await adminFrame(again).getByRole('navigation', { name: 'Administration sections' }).waitFor({ timeout: 60_000 });
    await expect(adminFrame(again).getByTestId('first-administrator').count()).resolves.toBe(0);
  });
});

describe('a running site: a newcomer registers by opening a macro', () => {
  let host: Host;
  beforeAll(async () => {
    host = await startLocalHost({ port: 0, demo: 'small' });
  }, 300_000);
  afterAll(async () => {
    await host?.close();
  });

  test('is registered from their Forge identity, waits for approval with a clear sentence, and sees the runsheet once approved', async () => {
    expect(await userRow(host, NEW_PERSON.accountId)).toBeUndefined();
    const page = await openAs(host, NEW_PERSON.accountId, PAGE_PATH);
    const runsheet = page.frameLocator('[data-testid="frame-umig-runsheet"]');
    const waiting = runsheet.getByRole('alert').filter({ hasText: 'waiting for an administrator’s approval' });
    await waiting.waitFor({ timeout: 60_000 });
    await screenshot(page, 'people-newcomer-waiting', '[data-testid="frame-umig-runsheet"]');
    const registered = await userRow(host, NEW_PERSON.accountId);
    expect(registered).toEqual({ code: 'NHA', first: 'Noor', last: 'Haddad', email: 'noor.haddad@example.com', active: false, admin: false, role: 'NORMAL' });
    // Nothing was read for them: every call after registration was refused.
    const calls = host.invocations().filter((call) => call.accountId === NEW_PERSON.accountId);
    expect(calls.some((call) => call.functionKey === 'session/register' && call.outcome === 'ok')).toBe(true);
    expect(calls.filter((call) => call.functionKey !== 'session/register').every((call) => call.outcome === 'UNKNOWN_USER')).toBe(true);

    // An administrator approves them: Users > Edit > Active.
    const admin = host.accounts.find((account) => account.role === 'ADMIN')!;
    const adminPage = await openAs(host, admin.accountId, ADMIN_PATH);
    const frame = adminFrame(adminPage);
    const users = frame.getByRole('table', { name: 'Users', exact: true });
    await users.waitFor({ timeout: 60_000 });
    await users.getByRole('button', { name: 'Edit Noor Haddad (NHA)', exact: true }).click();
    const form = frame.getByRole('dialog', { name: 'Edit user' });
    await form.getByLabel('Active').check();
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'hidden' });
    expect(await userRow(host, NEW_PERSON.accountId)).toMatchObject({ active: true, role: 'NORMAL' });

    await page.reload();
    await page.frameLocator('[data-testid="frame-umig-runsheet"]').locator('[role="row"][data-row-kind="step"]').first().waitFor({ timeout: 60_000 });
    await expect(page.frameLocator('[data-testid="frame-umig-runsheet"]').getByText('waiting for an administrator’s approval').count()).resolves.toBe(0);
    await screenshot(page, 'people-newcomer-approved', '[data-testid="frame-umig-runsheet"]');
  });
});
