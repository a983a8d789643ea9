/**
 * The administration page (confluence:globalSettings) and the runsheet macro's config dialog in a
 * real browser (Debian chromium through playwright-core), on the local Confluence-like host with
 * the small demo data. Every call goes through the bridge shim, a signed invocation and the UMIG
 * service, as in Confluence; what the tests check is what a person sees, and what the database
 * (or, for the config dialog, the host that received view.submit) then holds.
 *
 * Screenshots go to test/e2e/artifacts/.
 */

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { queryRows } from '../../src/db/query';
import { createHandler } from '../../src/resolvers';
import { ARTIFACTS_DIR, type HarnessHost, useBrowserTests } from './harness';

type Host = HarnessHost;
type Account = Host['accounts'][number];
type Role = Account['role'];

const ADMIN_PATH = '/wiki/admin/umig';
const PAGE_PATH = '/wiki/spaces/CBM/pages/1001';
const ADMIN_ONLY_NOTICE = 'Only UMIG administrators can use this page';

const session = useBrowserTests();

function account(role: Role): Account {
  const found = session.host.accounts.find((candidate) => candidate.role === role);
  if (!found) throw new Error(`The demo data has no ${role} account.`);
  return found;
}

/** A page of the host as one user, in a browser context of its own (its own session cookie). */
async function openAs(who: Account, to: string): Promise<Page> {
  const context = await session.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.warn(`[${who.role}] page error: ${error.message}`));
  // What the page's "Viewing as" switcher submits.
  await page.goto(new URL(`/__umig/switch?as=${encodeURIComponent(who.accountId)}&to=${encodeURIComponent(to)}`, session.host.url).href);
  return page;
}

const adminFrame = (page: Page) => page.frameLocator('[data-testid="frame-umig-admin"]');

async function openAdminAs(role: Role): Promise<{ page: Page; admin: FrameLocator }> {
  const page = await openAs(account(role), ADMIN_PATH);
  return { page, admin: adminFrame(page) };
}

/** Goes to a section of the administration page and waits for its table. */
async function openSection(admin: FrameLocator, section: string, table = section): Promise<Locator> {
  await admin.getByRole('navigation', { name: 'Administration sections' }).getByRole('button', { name: section, exact: true }).click();
  const found = admin.getByRole('table', { name: table, exact: true });
  await found.waitFor({ timeout: 30_000 });
  return found;
}

/** Picks an option of an Atlaskit (react-select) select by typing it. */
async function choose(frame: FrameLocator, label: string, option: string | RegExp): Promise<void> {
  // By role: the accessible name leaves out the required-field asterisk (aria-hidden).
  const input = frame.getByRole('combobox', { name: label, exact: true });
  await input.click();
  if (typeof option === 'string') await input.fill(option);
  await frame.getByRole('option', { name: option }).first().click();
}

/** The page and the app frame the test is about (Chromium leaves off-screen frames blank in a page shot). */
async function screenshot(page: Page, name: string, frameSelector = '[data-testid="frame-umig-admin"]'): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, `${name}-page.png`), fullPage: true });
  await page.locator(frameSelector).screenshot({ path: path.join(ARTIFACTS_DIR, `${name}.png`) });
}

/** Runs a resolver as a user, exactly as the UMIG service does for a Forge invocation. */
async function callAs(role: Role, functionKey: string, payload: Record<string, unknown>) {
  const handler = createHandler({ databaseFor: () => session.host.database.db });
  return (await handler({ call: { functionKey, payload }, context: { extension: { type: 'confluence:globalSettings' } } }, { principal: { accountId: account(role).accountId } })) as
    | { ok: true; data: Record<string, unknown> }
    | { ok: false; error: { code: string; message: string } };
}



describe('UMIG administration page', () => {
  test('an administrator creates a team and adds a user to it; the member is listed', async () => {
    const { page, admin } = await openAdminAs('ADMIN');
    const teams = await openSection(admin, 'Teams');
    const member = account('NORMAL');

    await admin.getByRole('button', { name: 'Create team' }).click();
    const form = admin.getByRole('dialog', { name: 'Create team' });
    await form.getByLabel('Name').fill('Cutover Bridge Team');
    await form.getByLabel('Email').fill('bridge@bank.example');
    // Enter submits the form.
    await form.getByLabel('Name').press('Enter');
    await form.waitFor({ state: 'hidden' });
    await expect(admin.getByTestId('admin-status').textContent()).resolves.toBe('Team "Cutover Bridge Team" created.');
    await teams.getByRole('row', { name: /Cutover Bridge Team/ }).waitFor();

    await teams.getByRole('button', { name: 'Members of Cutover Bridge Team' }).click();
    const members = admin.getByRole('dialog', { name: 'Members of team Cutover Bridge Team' });
    await members.getByText('No members yet.').waitFor();
    await choose(admin, 'Add a user', member.name);
    await members.getByRole('button', { name: 'Add', exact: true }).click();
    const listed = members.getByRole('table', { name: 'Members of team Cutover Bridge Team' });
    await listed.getByRole('row', { name: new RegExp(`${member.name} \\(${member.code}\\)`) }).waitFor();
    await expect(members.getByRole('status').first().textContent()).resolves.toContain(`Added ${member.name}`);
    // Add is disabled until the next choice: the focus went back to the picker, not the page's body.
    const pickerId = await members.getByLabel('Add a user', { exact: true }).getAttribute('id');
    await expect(admin.locator(':focus').getAttribute('id')).resolves.toBe(pickerId);
    await screenshot(page, 'admin-team-member-added');

    // Esc closes the dialog; the database holds the team and its member.
    await page.keyboard.press('Escape');
    await members.waitFor({ state: 'hidden' });
    const rows = await queryRows<{ team: string; code: string }>(
      session.host.database.db,
      sql`SELECT t.tms_name AS team, u.usr_code AS code FROM teams_tms t
            JOIN teams_tms_x_users_usr m ON m.tms_id = t.tms_id JOIN users_usr u ON u.usr_id = m.usr_id
           WHERE t.tms_name = 'Cutover Bridge Team'`,
    );
    expect(rows).toEqual([{ team: 'Cutover Bridge Team', code: member.code }]);
  });

  test('deleting a team that plans and steps still use shows the service’s sentence and deletes nothing', async () => {
    const [owner] = await queryRows<{ id: number; name: string }>(
      session.host.database.db,
      sql`SELECT t.tms_id AS id, t.tms_name AS name FROM plans_master_plm p JOIN teams_tms t ON t.tms_id = p.tms_id ORDER BY p.created_at LIMIT 1`,
    );
    // The sentence the service gives for this delete (refused, so asking changes nothing).
    const expected = await callAs('ADMIN', 'admin/teams/delete', { id: owner!.id });
    expect(expected).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const sentence = expected.ok ? '' : expected.error.message;
    expect(sentence).toMatch(new RegExp(`^Team "${owner!.name}" is still used by .+; remove those first\\.$`));

    const { page, admin } = await openAdminAs('ADMIN');
    const teams = await openSection(admin, 'Teams');
    await teams.getByRole('button', { name: `Delete ${owner!.name}`, exact: true }).click();
    const dialog = admin.getByRole('dialog', { name: 'Delete team?' });
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    const alert = dialog.getByRole('alert');
    await alert.waitFor();
    await expect(alert.getByTestId('problem-message').textContent()).resolves.toBe(sentence);
    await expect(alert.getAttribute('data-error-code')).resolves.toBe('CONFLICT');
    await screenshot(page, 'admin-delete-conflict');

    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    const [still] = await queryRows<{ n: number }>(session.host.database.db, sql`SELECT count(*)::int AS n FROM teams_tms WHERE tms_id = ${owner!.id}`);
    expect(still!.n).toBe(1);
  });

  test('an edit that crossed someone else’s change is refused; Reload brings the new version and the edit goes through', async () => {
    const { page, admin } = await openAdminAs('ADMIN');
    const applications = await openSection(admin, 'Applications');
    const [app] = await queryRows<{ id: number; name: string }>(session.host.database.db, sql`SELECT app_id AS id, app_name AS name FROM applications_app ORDER BY app_code LIMIT 1`);
    await applications.getByRole('button', { name: `Edit ${app!.name}`, exact: true }).click();
    const form = admin.getByRole('dialog', { name: 'Edit application' });
    await form.getByLabel('Description').fill('Edited in the browser');

    // Meanwhile another administrator changes the same application.
    const loaded = await callAs('ADMIN', 'admin/applications/get', { id: app!.id });
    const other = await callAs('ADMIN', 'admin/applications/update', {
      id: app!.id,
      expectedUpdatedAt: loaded.ok ? loaded.data.updatedAt : null,
      description: 'Changed by someone else',
    });
    expect(other.ok).toBe(true);

    await form.getByRole('button', { name: 'Save' }).click();
    const alert = form.getByRole('alert');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toContain('was changed by someone else since you opened it');
    await alert.getByRole('button', { name: 'Reload' }).click();
    // Reload reads the row again: the field changes once that call is back (slow on a busy machine).
    const description = form.getByLabel('Description');
    for (let tries = 0; tries < 100 && (await description.inputValue()) !== 'Changed by someone else'; tries += 1) await page.waitForTimeout(100);
    await expect(description.inputValue()).resolves.toBe('Changed by someone else');
    await form.getByLabel('Description').fill('Edited after reloading');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'hidden' });
    await screenshot(page, 'admin-edit-after-reload');
    const [saved] = await queryRows<{ description: string }>(session.host.database.db, sql`SELECT app_description AS description FROM applications_app WHERE app_id = ${app!.id}`);
    expect(saved!.description).toBe('Edited after reloading');
  });

  test('bad input is refused with a sentence under its field, never cut or changed; the banner does not repeat it', async () => {
    const { page, admin } = await openAdminAs('ADMIN');
    await openSection(admin, 'Teams');

    // Text longer than the column: kept whole in the field, refused with both lengths.
    await admin.getByRole('button', { name: 'Create team' }).click();
    const form = admin.getByRole('dialog', { name: 'Create team' });
    const longName = `Team ${'x'.repeat(95)}`;
    await form.getByLabel('Name').fill(longName);
    await expect(form.getByLabel('Name').inputValue()).resolves.toBe(longName);
    await form.getByRole('button', { name: 'Create' }).click();
    await form.getByText('The name is 100 characters long; keep it to 64 or fewer.').waitFor();
    await form.getByRole('button', { name: 'Cancel' }).click();
    await form.waitFor({ state: 'hidden' });
    const [teams] = await queryRows<{ n: number }>(session.host.database.db, sql`SELECT count(*)::int AS n FROM teams_tms WHERE tms_name LIKE 'Team xxx%'`);
    expect(teams!.n).toBe(0);

    // Two iterations of one migration with the same name: the service refuses; the sentence stands under Name once.
    const iterations = await openSection(admin, 'Iterations');
    await iterations.getByRole('button', { name: 'Edit Dress Rehearsal 2', exact: true }).click();
    const edit = admin.getByRole('dialog', { name: 'Edit iteration' });
    await edit.getByLabel('Name').fill('Dress Rehearsal 1');
    await edit.getByRole('button', { name: 'Save' }).click();
    const alert = edit.getByRole('alert');
    await alert.waitFor();
    await expect(alert.getByTestId('problem-message').textContent()).resolves.toBe('Check the field marked below.');
    await edit.getByText('This migration already has an iteration named "Dress Rehearsal 1"; choose another name.').waitFor();
    expect(await edit.getByText(/already has an iteration named/).count()).toBe(1);
    await screenshot(page, 'admin-duplicate-iteration-name');
    await edit.getByRole('button', { name: 'Cancel' }).click();
    const [renamed] = await queryRows<{ n: number }>(session.host.database.db, sql`SELECT count(*)::int AS n FROM iterations_ite WHERE ite_name = 'Dress Rehearsal 2'`);
    expect(renamed!.n).toBeGreaterThan(0);

    // Durations: digits only, and no more than the service accepts (a week), each said under the field.
    const plans = await openSection(admin, 'Master plans');
    const [step] = await queryRows<{ plan: string; code: string; duration: number | null }>(
      session.host.database.db,
      sql`SELECT p.plm_name AS plan, s.stm_code AS code, s.stm_duration_minutes AS duration
            FROM steps_master_stm s JOIN phases_master_phm ph ON ph.phm_id = s.phm_id
            JOIN sequences_master_sqm sq ON sq.sqm_id = ph.sqm_id JOIN plans_master_plm p ON p.plm_id = sq.plm_id
           ORDER BY p.created_at, sq.sqm_order, ph.phm_order, s.stm_number LIMIT 1`,
    );
    await plans.getByRole('button', { name: `Open plan ${step!.plan}`, exact: true }).click();
    await admin.getByRole('table', { name: `Sequences of ${step!.plan}` }).getByRole('button', { name: /^Open sequence / }).first().click();
    await admin.getByRole('table', { name: /^Phases of sequence / }).getByRole('button', { name: /^Open phase / }).first().click();
    const steps = admin.getByRole('table', { name: /^Steps of phase / });
    await steps.getByRole('button', { name: new RegExp(`^Edit ${step!.code}\\b`) }).first().click();
    const stepForm = admin.getByRole('dialog', { name: 'Edit step' });
    const duration = stepForm.getByLabel('Duration (minutes)');
    for (const typed of ['ten', '1e9', '30.5']) {
      await duration.fill(typed);
      await expect(duration.inputValue()).resolves.toBe(typed);
      await stepForm.getByRole('button', { name: 'Save' }).click();
      await stepForm.getByText('Enter the duration (minutes) as a whole number in digits, e.g. 30.').waitFor();
    }
    await duration.fill('20000');
    await stepForm.getByRole('button', { name: 'Save' }).click();
    await stepForm.getByText('A duration is at most 10,080 minutes (7 days); split longer work into several steps.').waitFor();
    await expect(stepForm.getByRole('alert').getByTestId('problem-message').textContent()).resolves.toBe('Check the field marked below.');
    await stepForm.getByRole('button', { name: 'Cancel' }).click();
    const [kept] = await queryRows<{ duration: number | null }>(session.host.database.db, sql`SELECT stm_duration_minutes AS duration FROM steps_master_stm WHERE stm_code = ${step!.code} LIMIT 1`);
    expect(kept!.duration).toBe(step!.duration);
  });

  test('an iteration gets a named re-run of its plan: without a run name the service refuses and says why', async () => {
    const { page, admin } = await openAdminAs('ADMIN');
    const iterations = await openSection(admin, 'Iterations');
    await iterations.getByRole('button', { name: 'Plan instances of Dress Rehearsal 2', exact: true }).click();
    const dialog = admin.getByRole('dialog', { name: 'Plan instances of Dress Rehearsal 2' });
    const instances = dialog.getByRole('table', { name: 'Plan instances of Dress Rehearsal 2' });
    await instances.waitFor();
    const before = await instances.getByRole('row').count();

    await dialog.getByRole('button', { name: 'Create plan instance' }).click();
    await expect(dialog.getByRole('alert').textContent()).resolves.toContain('Give the new run a name to create a re-run.');
    await dialog.getByLabel('Run name (for a re-run)').fill('Re-run after rollback');
    await dialog.getByRole('button', { name: 'Create plan instance' }).click();
    await instances.getByRole('row', { name: /Re-run after rollback/ }).waitFor();
    expect(await instances.getByRole('row').count()).toBe(before + 1);
    await screenshot(page, 'admin-plan-instance-rerun');
  });

  test('an iteration environment shows the role it plays, and is linked again with the role chosen', async () => {
    const { admin } = await openAdminAs('ADMIN');
    const iterations = await openSection(admin, 'Iterations');
    await iterations.getByRole('button', { name: 'Environments of Production Cutover', exact: true }).click();
    const dialog = admin.getByRole('dialog', { name: 'Environments of iteration Production Cutover' });
    const linked = dialog.getByRole('table', { name: 'Environments of iteration Production Cutover' });
    const backup = linked.getByRole('row', { name: /BCK-DC1/ });
    await expect(backup.textContent()).resolves.toContain('BACKUP – Backup environment');

    await backup.getByRole('button', { name: /^Remove / }).click();
    await backup.waitFor({ state: 'detached' });
    await choose(admin, 'Add a environment', 'BCK-DC1');
    await choose(admin, 'Environment role', 'TEST');
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(linked.getByRole('row', { name: /BCK-DC1/ }).textContent()).resolves.toContain('TEST – Test environment');
    const rows = await queryRows<{ role: string }>(
      session.host.database.db,
      sql`SELECT r.enr_name AS role FROM iterations_ite i JOIN environments_env_x_iterations_ite l ON l.ite_id = i.ite_id
            JOIN environments_env e ON e.env_id = l.env_id JOIN environment_roles_enr r ON r.enr_id = l.enr_id
           WHERE i.ite_name = 'Production Cutover' AND e.env_code = 'BCK-DC1'`,
    );
    expect(rows).toEqual([{ role: 'TEST' }]);
  });

  test('master plans drill down to sequences, phases and steps', async () => {
    const { admin } = await openAdminAs('ADMIN');
    const plans = await openSection(admin, 'Master plans');
    const [plan] = await queryRows<{ name: string }>(session.host.database.db, sql`SELECT plm_name AS name FROM plans_master_plm ORDER BY created_at LIMIT 1`);
    await plans.getByRole('button', { name: `Open plan ${plan!.name}`, exact: true }).click();
    const sequences = admin.getByRole('table', { name: `Sequences of ${plan!.name}` });
    await sequences.waitFor();
    await sequences.getByRole('button', { name: /^Open sequence / }).first().click();
    const phases = admin.getByRole('table', { name: /^Phases of sequence / });
    await phases.getByRole('button', { name: /^Open phase / }).first().click();
    const steps = admin.getByRole('table', { name: /^Steps of phase / });
    await steps.waitFor();
    expect(await steps.getByRole('row').count()).toBeGreaterThan(1);
    await admin.getByRole('table', { name: /^Controls of phase / }).waitFor();
    const path = admin.getByRole('navigation', { name: 'Master plan path' });
    await path.getByRole('button', { name: 'Master plans' }).click();
    await admin.getByRole('table', { name: 'Master plans', exact: true }).waitFor();
  });

  test('a long table renders only the rows in view, and the search finds any row', async () => {
    for (let n = 1; n <= 240; n += 1) {
      const code = `BULK-${String(n).padStart(3, '0')}`;
      const created = await callAs('ADMIN', 'admin/applications/create', { code, name: `Bulk application ${n}` });
      expect(created.ok).toBe(true);
    }
    const { admin } = await openAdminAs('ADMIN');
    const table = await openSection(admin, 'Applications');
    const total = Number(await table.getAttribute('aria-rowcount')) - 1;
    expect(total).toBeGreaterThan(240);
    await expect(admin.getByText(`${total} applications`, { exact: true }).count()).resolves.toBe(1);
    const rendered = await table.locator('tbody tr:not([aria-hidden])').count();
    expect(rendered).toBeLessThan(80);

    await admin.getByRole('searchbox', { name: 'Search applications' }).fill('bulk application 240');
    await table.getByRole('row', { name: /BULK-240/ }).waitFor();
    await expect(table.locator('tbody tr').count()).resolves.toBe(1);
    await expect(admin.getByText(`1 of ${total} applications`, { exact: true }).count()).resolves.toBe(1);
  });

  test('refuses a NORMAL user with a notice instead of the page', async () => {
    const { page, admin } = await openAdminAs('NORMAL');
    const notice = admin.getByTestId('admin-refused');
    await notice.waitFor({ timeout: 30_000 });
    await expect(notice.textContent()).resolves.toContain(ADMIN_ONLY_NOTICE);
    await expect(notice.textContent()).resolves.toContain('Only administrators can');
    await expect(admin.getByRole('navigation', { name: 'Administration sections' }).count()).resolves.toBe(0);
    // The page asked who the caller is (a development build asks twice: StrictMode) and asked nothing else.
    const calls = session.host.invocations().filter((call) => call.accountId === account('NORMAL').accountId && call.moduleKey === 'umig-admin');
    expect(calls.length).toBeGreaterThan(0);
    expect(new Set(calls.map((call) => `${call.functionKey} ${call.outcome}`))).toEqual(new Set(['session/me ok']));
    await screenshot(page, 'admin-refused-normal');
  });
});

describe('runsheet macro settings (config dialog)', () => {
  test('the editor sees the current settings, chooses an iteration, a plan instance and a team filter, and saves them', async () => {
    const page = await openAs(account('ADMIN'), PAGE_PATH);
    const [second] = await queryRows<{ id: string; migrationId: string }>(
      session.host.database.db,
      sql`SELECT ite_id AS id, mig_id AS "migrationId" FROM iterations_ite WHERE ite_name = 'Dress Rehearsal 2'`,
    );
    const [instance] = await queryRows<{ id: string; name: string }>(
      session.host.database.db,
      sql`SELECT pli_id AS id, pli_name AS name FROM plans_instance_pli WHERE ite_id = ${second!.id} ORDER BY created_at LIMIT 1`,
    );
    const [team] = await queryRows<{ id: number; name: string }>(session.host.database.db, sql`SELECT tms_id AS id, tms_name AS name FROM teams_tms ORDER BY tms_name LIMIT 1`);

    await page.getByTestId('edit-umig-runsheet').click();
    await page.locator('#config-dialog').waitFor({ state: 'visible' });
    const config = page.frameLocator('#config-dialog iframe');
    // Reopened: the saved iteration, by name.
    const current = config.getByTestId('current-settings');
    await current.getByText(session.host.focus!.iterationName).waitFor({ timeout: 30_000 });

    await choose(config, 'Iteration', /^Dress Rehearsal 2/);
    await choose(config, 'Plan instance', instance!.name);
    await choose(config, 'Team filter', team!.name);
    await screenshot(page, 'config-runsheet-settings', '#config-dialog iframe');
    await config.getByRole('button', { name: 'Save' }).click();
    await page.locator('#config-dialog').waitFor({ state: 'hidden' });

    // The host received view.submit({ config }) and keeps it on the macro.
    const state = JSON.parse(await readFile(path.join(session.host.dataDir, 'host-state.json'), 'utf8')) as { macros: Array<{ moduleKey: string; config?: unknown }> };
    expect(state.macros.find((macro) => macro.moduleKey === 'umig-runsheet')?.config).toEqual({
      iterationId: second!.id,
      migrationId: second!.migrationId,
      planInstanceId: instance!.id,
      teamId: team!.id,
    });

    // Reopening shows what was saved.
    await page.getByTestId('edit-umig-runsheet').click();
    await page.locator('#config-dialog').waitFor({ state: 'visible' });
    const reopened = page.frameLocator('#config-dialog iframe').getByTestId('current-settings');
    await reopened.getByText('Dress Rehearsal 2').waitFor({ timeout: 30_000 });
    await reopened.getByText(team!.name).waitFor();
  });
});
