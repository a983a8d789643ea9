/**
 * The Imports section of the administration page in a real browser, on the local host with the
 * small demo: the ADMIN demo user uploads a small JSON import (the worked example of
 * 'imports/templates', pointed at a phase and a team of the demo plan), reads the report and the
 * VALIDATED status, promotes it (through the service's preview) and sees PROMOTED; then, with
 * "create what is missing", an import naming a new sequence, phase, team and step type shows what
 * it would create, the promotion preview, and a rollback that asks first. Screenshots in
 * test/e2e/artifacts/.
 */

import path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { createHandler } from '../../src/resolvers';
import { appFrame, ARTIFACTS_DIR, type HarnessHost, useBrowserTests } from './harness';

type Host = HarnessHost;
type Account = Host['accounts'][number];

const ADMIN_PATH = '/wiki/admin/umig';

const session = useBrowserTests();

function admin(): Account {
  const found = session.host.accounts.find((candidate) => candidate.role === 'ADMIN');
  if (!found) throw new Error('The demo data has no ADMIN account.');
  return found;
}

/** Runs a resolver as the administrator, as the UMIG service does for a Forge invocation. */
async function callAsAdmin<T>(functionKey: string, payload: Record<string, unknown>): Promise<T> {
  const handler = createHandler({ databaseFor: () => session.host.database.db });
  const result = (await handler(
    { call: { functionKey, payload }, context: { extension: { type: 'confluence:globalSettings' } } },
    { principal: { accountId: admin().accountId } },
  )) as { ok: true; data: T } | { ok: false; error: { code: string; message: string } };
  if (!result.ok) throw new Error(`${functionKey}: ${result.error.code} ${result.error.message}`);
  return result.data;
}

async function openAdmin(): Promise<{ page: Page; frame: Frame }> {
  const context = await session.newContext({ viewport: { width: 1440, height: 1200 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.warn(`[ADMIN] page error: ${error.message}`));
  await page.goto(new URL(`/__umig/switch?as=${encodeURIComponent(admin().accountId)}&to=${encodeURIComponent(ADMIN_PATH)}`, session.host.url).href);
  return { page, frame: await appFrame(page, 'umig-admin') };
}

interface Named {
  id: string;
  name: string;
}

/** The template's JSON example, reduced to one new step in a phase and owned by a team of the demo plan. */
async function demoImport(): Promise<{ plan: Named; phase: Named; content: string }> {
  const templates = await callAsAdmin<{ json: { example: string } }>('imports/templates', {});
  const example = JSON.parse(templates.json.example) as { steps: Array<Record<string, unknown>> } & Record<string, unknown>;
  const plans = await callAsAdmin<Named[]>('admin/masterPlans/list', {});
  const plan = plans[0]!;
  const [sequence] = await callAsAdmin<Named[]>('admin/masterSequences/list', { planId: plan.id });
  const [phase] = await callAsAdmin<Named[]>('admin/masterPhases/list', { sequenceId: sequence!.id });
  const [team] = await callAsAdmin<Named[]>('admin/teams/list', {});
  const code = 'PRE-901';
  const template = example.steps[0]!;
  const step = {
    ...template,
    code,
    name: 'Announce the freeze (imported in the browser test)',
    phase: `${sequence!.name} / ${phase!.name}`,
    ownerTeam: team!.name,
    predecessor: null,
    environmentRole: null,
    targetEnvironmentRole: null,
    impactedTeams: [],
    iterationTypes: [],
    instructions: [
      { order: 1, text: 'Send the freeze announcement', durationMinutes: 5, team: null },
      { order: 2, text: 'Post the freeze on the cutover channel', durationMinutes: 5, team: null },
    ],
  };
  const content = `${JSON.stringify({ ...example, sequences: [], steps: [step] }, null, 2)}\n`;
  return { plan, phase: phase!, content };
}



describe('UMIG administration: imports', () => {
  test('an administrator uploads a JSON import, sees it VALIDATED, promotes it and sees PROMOTED', async () => {
    const { plan, phase, content } = await demoImport();
    const { page, frame } = await openAdmin();

    await frame.getByRole('navigation', { name: 'Administration sections' }).getByRole('button', { name: 'Imports', exact: true }).click();
    await frame.getByRole('heading', { name: 'Imports', exact: true }).waitFor({ timeout: 30_000 });

    // The master plan (an Atlaskit select).
    const planInput = frame.getByRole('combobox', { name: 'Master plan', exact: true });
    await planInput.click();
    await planInput.fill(plan.name);
    await frame.getByRole('option', { name: plan.name }).first().click();

    await frame.getByLabel('Files (one .json, or the two .csv files)').setInputFiles({ name: 'plan.json', mimeType: 'application/json', buffer: Buffer.from(content, 'utf8') });
    await frame.getByRole('button', { name: 'Upload and check' }).click();

    const batch = frame.getByTestId('import-batch');
    await batch.waitFor({ timeout: 30_000 });
    const status = frame.getByTestId('import-status');
    await expect(status.getAttribute('data-status')).resolves.toBe('VALIDATED');
    await expect(frame.getByTestId('import-counts').textContent()).resolves.toBe('1 step(s), 2 instruction(s), 0 problem(s)');
    await frame.getByTestId('import-report-empty').waitFor();
    await expect(frame.getByTestId('imports-status').textContent()).resolves.toBe('Import uploaded: VALIDATED.');

    await batch.getByRole('button', { name: 'Promote', exact: true }).click();
    const preview = frame.getByRole('dialog', { name: 'Promote this import?' });
    await expect(preview.getByTestId('import-preview-counts').textContent()).resolves.toBe('1 step(s) created, 0 updated, 0 unchanged.');
    await preview.getByRole('button', { name: 'Promote now' }).click();
    await frame.locator('[data-testid="import-status"][data-status="PROMOTED"]').waitFor({ timeout: 30_000 });
    await expect(frame.getByTestId('imports-status').textContent()).resolves.toBe('Import promoted: PROMOTED.');
    await expect(batch.getByRole('button', { name: 'Rollback', exact: true }).isEnabled()).resolves.toBe(true);
    await frame.getByRole('table', { name: 'Recent imports' }).getByRole('row', { name: /PROMOTED/ }).first().waitFor();

    // The step is in the master plan now.
    const steps = await callAsAdmin<Array<{ name: string }>>('admin/masterSteps/list', { phaseId: phase.id });
    expect(steps.map((step) => step.name)).toContain('Announce the freeze (imported in the browser test)');

    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'admin-imports-page.png'), fullPage: true });
    await page.locator('[data-testid="frame-umig-admin"]').screenshot({ path: path.join(ARTIFACTS_DIR, 'admin-imports.png') });
  }, 180_000);

  test('"create what is missing": the report lists what would be created, promote shows the preview, rollback asks first', async () => {
    const plans = await callAsAdmin<Named[]>('admin/masterPlans/list', {});
    const plan = plans[0]!;
    const content = JSON.stringify({
      format: 'umig-master-plan',
      version: 1,
      steps: [
        {
          code: 'ZZE-010',
          name: 'Step in a phase the import creates',
          phase: 'Browser sequence / Browser phase',
          ownerTeam: 'Browser Team',
          instructions: [{ text: 'Tick me' }],
        },
      ],
    });
    const { page, frame } = await openAdmin();
    await frame.getByRole('navigation', { name: 'Administration sections' }).getByRole('button', { name: 'Imports', exact: true }).click();
    await frame.getByRole('heading', { name: 'Imports', exact: true }).waitFor({ timeout: 30_000 });
    const planInput = frame.getByRole('combobox', { name: 'Master plan', exact: true });
    await planInput.click();
    await planInput.fill(plan.name);
    await frame.getByRole('option', { name: plan.name }).first().click();
    await frame.getByLabel('Files (one .json, or the two .csv files)').setInputFiles({ name: 'create.json', mimeType: 'application/json', buffer: Buffer.from(content, 'utf8') });
    await frame.getByRole('checkbox', { name: 'Create what is missing (plan, sequences, phases, teams, step types, labels)' }).check();
    await frame.getByRole('button', { name: 'Upload and check' }).click();

    await frame.locator('[data-testid="import-status"][data-status="VALIDATED"]').waitFor({ timeout: 30_000 });
    const creates = frame.getByRole('region', { name: 'Will be created when promoted' });
    await expect(creates.getByRole('listitem').allTextContents()).resolves.toEqual([
      'Step type ZZE',
      'Team Browser Team',
      expect.stringMatching(/^Sequence Browser sequence \(order \d+\)$/),
      'Phase Browser sequence / Browser phase (order 1)',
    ]);
    // Nothing exists before the promotion.
    const teamsBefore = await callAsAdmin<Named[]>('admin/teams/list', {});
    expect(teamsBefore.map((team) => team.name)).not.toContain('Browser Team');

    const batch = frame.getByTestId('import-batch');
    await batch.getByRole('button', { name: 'Promote', exact: true }).click();
    const preview = frame.getByRole('dialog', { name: 'Promote this import?' });
    await expect(preview.getByTestId('import-preview-counts').textContent()).resolves.toBe('1 step(s) created, 0 updated, 0 unchanged.');
    await expect(preview.getByRole('list', { name: 'Created first' }).getByRole('listitem').count()).resolves.toBe(4);
    await preview.getByRole('table', { name: 'Steps the promotion writes' }).getByRole('row', { name: /ZZE-010.*Created/ }).waitFor();
    await page.locator('[data-testid="frame-umig-admin"]').screenshot({ path: path.join(ARTIFACTS_DIR, 'admin-imports-preview.png') });
    await preview.getByRole('button', { name: 'Promote now' }).click();
    await frame.locator('[data-testid="import-status"][data-status="PROMOTED"]').waitFor({ timeout: 30_000 });
    await frame.getByRole('region', { name: 'Created by this import' }).waitFor();
    const teamsAfter = await callAsAdmin<Named[]>('admin/teams/list', {});
    expect(teamsAfter.map((team) => team.name)).toContain('Browser Team');

    // Rollback asks first; Cancel leaves the import promoted.
    await batch.getByRole('button', { name: 'Rollback', exact: true }).click();
    const confirm = frame.getByRole('dialog', { name: 'Roll back this import?' });
    await confirm.getByText('Team Browser Team').waitFor();
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    await expect(frame.getByTestId('import-status').getAttribute('data-status')).resolves.toBe('PROMOTED');
    await batch.getByRole('button', { name: 'Rollback', exact: true }).click();
    await frame.getByRole('dialog', { name: 'Roll back this import?' }).getByRole('button', { name: 'Roll back now' }).click();
    await frame.locator('[data-testid="import-status"][data-status="ROLLED_BACK"]').waitFor({ timeout: 30_000 });
    const teamsRolledBack = await callAsAdmin<Named[]>('admin/teams/list', {});
    expect(teamsRolledBack.map((team) => team.name)).not.toContain('Browser Team');
  }, 180_000);

  test('"a new master plan": the report lists the plan with the rest, and promoting creates it', async () => {
    const content = JSON.stringify({
      format: 'umig-master-plan',
      version: 1,
      steps: [{ code: 'ZZN-010', name: 'First step of a new plan', phase: 'New sequence / New phase', ownerTeam: 'New Plan Team', labels: [] }],
    });
    const { frame } = await openAdmin();
    await frame.getByRole('navigation', { name: 'Administration sections' }).getByRole('button', { name: 'Imports', exact: true }).click();
    await frame.getByRole('heading', { name: 'Imports', exact: true }).waitFor({ timeout: 30_000 });
    const planInput = frame.getByRole('combobox', { name: 'Master plan', exact: true });
    await planInput.click();
    await planInput.fill('A new master plan');
    await frame.getByRole('option', { name: 'A new master plan…' }).click();
    await frame.getByLabel('New plan name').fill('Browser new plan');
    await frame.getByLabel('Owner team (created if missing)').fill('New Plan Owners');
    await frame.getByLabel('Files (one .json, or the two .csv files)').setInputFiles({ name: 'new.json', mimeType: 'application/json', buffer: Buffer.from(content, 'utf8') });
    await frame.getByRole('checkbox', { name: 'Create what is missing (plan, sequences, phases, teams, step types, labels)' }).check();
    await frame.getByRole('button', { name: 'Upload and check' }).click();

    await frame.locator('[data-testid="import-status"][data-status="VALIDATED"]').waitFor({ timeout: 30_000 });
    const creates = frame.getByRole('region', { name: 'Will be created when promoted' });
    await expect(creates.getByRole('listitem').first().textContent()).resolves.toBe('Master plan Browser new plan (owner team New Plan Owners)');
    const batch = frame.getByTestId('import-batch');
    await batch.getByRole('button', { name: 'Promote', exact: true }).click();
    await frame.getByRole('dialog', { name: 'Promote this import?' }).getByRole('button', { name: 'Promote now' }).click();
    await frame.locator('[data-testid="import-status"][data-status="PROMOTED"]').waitFor({ timeout: 30_000 });
  });
});
