/**
 * Deleting and archiving plan instances from the administration page (Iterations, Plan
 * instances) in a real browser, on the local host with the small demo data: a run that has not
 * started is deleted after a confirmation; the started rehearsal is refused with the service's
 * sentence and can be archived instead.
 */

import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { FrameLocator, Page } from 'playwright-core';
import { queryRows } from '../../src/db/query';
import { ARTIFACTS_DIR, useBrowserTests } from './harness';


const ADMIN_PATH = '/wiki/admin/umig';

const session = useBrowserTests();



async function openAdmin(): Promise<{ page: Page; admin: FrameLocator }> {
  const who = session.host.accounts.find((candidate) => candidate.role === 'ADMIN');
  if (!who) throw new Error('The demo data has no ADMIN account.');
  const context = await session.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  await page.goto(new URL(`/__umig/switch?as=${encodeURIComponent(who.accountId)}&to=${encodeURIComponent(ADMIN_PATH)}`, session.host.url).href);
  return { page, admin: page.frameLocator('[data-testid="frame-umig-admin"]') };
}

async function openPlanInstances(admin: FrameLocator, iteration: string) {
  await admin.getByRole('navigation', { name: 'Administration sections' }).getByRole('button', { name: 'Iterations', exact: true }).click();
  const iterations = admin.getByRole('table', { name: 'Iterations', exact: true });
  await iterations.waitFor({ timeout: 30_000 });
  await iterations.getByRole('button', { name: `Plan instances of ${iteration}`, exact: true }).click();
  const dialog = admin.getByRole('dialog', { name: `Plan instances of ${iteration}` });
  const table = dialog.getByRole('table', { name: `Plan instances of ${iteration}` });
  await table.waitFor();
  return { dialog, table };
}

describe('plan instances on the administration page', () => {
  test('an administrator deletes a run that has not started, after confirming; the database no longer holds it', async () => {
    const { page, admin } = await openAdmin();
    const { dialog, table } = await openPlanInstances(admin, 'Dress Rehearsal 2');
    await dialog.getByLabel('Run name (for a re-run)').fill('Mistaken import run');
    await dialog.getByRole('button', { name: 'Create plan instance' }).click();
    const row = table.getByRole('row', { name: /Mistaken import run/ });
    await row.waitFor();

    await row.getByRole('button', { name: 'Delete Mistaken import run' }).click();
    const confirm = admin.getByRole('dialog', { name: 'Delete plan instance?' });
    await expect(confirm.textContent()).resolves.toContain('Only a run that has not started can be deleted.');
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'admin-plan-instance-delete-page.png'), fullPage: true });
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
    await confirm.waitFor({ state: 'hidden' });
    await row.waitFor({ state: 'detached' });
    await dialog.getByText('Deleted plan instance "Mistaken import run".').waitFor();

    const left = await queryRows<{ n: number }>(session.host.database.db, sql`SELECT count(*)::int AS n FROM plans_instance_pli WHERE pli_name = 'Mistaken import run'`);
    expect(left[0]?.n).toBe(0);
    const audit = await queryRows<{ n: number }>(session.host.database.db, sql`SELECT count(*)::int AS n FROM audit_log_aud WHERE aud_action = 'PLAN_INSTANCE_DELETED'`);
    expect(audit[0]?.n).toBe(1);
  });

  test('a started run is refused with the service sentence, and can be archived instead', async () => {
    const { page, admin } = await openAdmin();
    const [started] = await queryRows<{ id: string; name: string; iteration: string }>(
      session.host.database.db,
      sql`SELECT pl.pli_id AS id, pl.pli_name AS name, ite.ite_name AS iteration FROM plans_instance_pli pl JOIN iterations_ite ite ON ite.ite_id = pl.ite_id
           WHERE pl.pli_start_time IS NOT NULL ORDER BY pl.created_at LIMIT 1`,
    );
    const { dialog, table } = await openPlanInstances(admin, started!.iteration);
    const row = table.getByRole('row', { name: new RegExp(started!.name) }).first();

    await row.getByRole('button', { name: `Delete ${started!.name}` }).click();
    const confirmDelete = admin.getByRole('dialog', { name: 'Delete plan instance?' });
    await confirmDelete.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(confirmDelete.getByRole('alert').textContent()).resolves.toContain(`Plan instance "${started!.name}" has started`);
    await expect(confirmDelete.getByRole('alert').textContent()).resolves.toContain('Archive it instead');
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'admin-plan-instance-delete-refused-page.png'), fullPage: true });
    await confirmDelete.getByRole('button', { name: 'Close' }).click();
    await confirmDelete.waitFor({ state: 'hidden' });

    await row.getByRole('button', { name: `Archive ${started!.name}` }).click();
    const confirmArchive = admin.getByRole('dialog', { name: 'Archive plan instance?' });
    await confirmArchive.getByRole('button', { name: 'Archive', exact: true }).click();
    await confirmArchive.waitFor({ state: 'hidden' });
    await dialog.getByText(`Archived plan instance "${started!.name}".`).waitFor();
    await row.getByRole('button', { name: `Restore ${started!.name}` }).waitFor();
    const [archived] = await queryRows<{ by: string | null }>(session.host.database.db, sql`SELECT pli_archived_by AS by FROM plans_instance_pli WHERE pli_id = ${started!.id}`);
    expect(archived?.by).not.toBeNull();
  });
});
