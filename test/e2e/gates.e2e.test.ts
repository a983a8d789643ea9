/**
 * The cutover weekend's gates in a real browser, on the local host with the small demo:
 * a Blocked step shows its reason in the runsheet and the Blocked/Failed filter finds it;
 * cancelling asks for a reason and a confirmation; a control card shows who signed, the verdict
 * and the comment; a pilot assigns validators from the controls macro.
 */

import path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { expectNoSeriousViolations } from './axe';
import { appFrame, ARTIFACTS_DIR, type HarnessHost, useBrowserTests } from './harness';
import { DEMO_PAGE_PATH } from './runsheet-probe';

type Host = HarnessHost;
type Account = Host['accounts'][number];

const session = useBrowserTests();

function account(role: 'ADMIN' | 'PILOT' | 'NORMAL'): Account {
  const found = session.host.accounts.find((candidate: Account) => candidate.role === role);
  if (!found) throw new Error(`The demo data has no ${role} account.`);
  return found;
}

async function openPageAs(who: Account, to = DEMO_PAGE_PATH): Promise<Page> {
  const context = await session.newContext({ viewport: { width: 1600, height: 1300 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.warn(`[${who.role}] page error: ${error.message}`));
  await page.goto(new URL(`/__umig/switch?as=${encodeURIComponent(who.accountId)}&to=${encodeURIComponent(to)}`, session.host.url).href);
  return page;
}

const macroFrame = (page: Page, moduleKey: string) => page.frameLocator(`[data-testid="frame-${moduleKey}"]`);
const stepRows = (frame: FrameLocator) => frame.locator('[role="row"][data-row-kind="step"]');
const stepRow = (frame: FrameLocator, stepId: string) => frame.locator(`[role="row"][data-step-id="${stepId}"]`);

async function renderedSteps(frame: FrameLocator): Promise<Array<{ id: string; status: string }>> {
  const rows = await stepRows(frame).all();
  return Promise.all(rows.map(async (row) => ({ id: (await row.getAttribute('data-step-id')) ?? '', status: (await row.getAttribute('data-status')) ?? '' })));
}

async function expectEventually(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (await check()) return;
    if (Date.now() - started > timeoutMs) throw new Error(`Not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function screenshot(page: Page, name: string, moduleKey: string): Promise<void> {
  await page.getByTestId(`frame-${moduleKey}`).screenshot({ path: path.join(ARTIFACTS_DIR, `${name}.png`) });
}



describe('blocking and cancelling moves in the runsheet', () => {
  test('a Blocked step shows its reason, the Blocked/Failed filter finds it, and cancelling asks for a confirmation', async () => {
    const page = await openPageAs(account('PILOT'));
    const runsheet = macroFrame(page, 'umig-runsheet');
    await stepRows(runsheet).first().waitFor({ timeout: 60_000 });

    const steps = await renderedSteps(runsheet);
    const target = steps.find((step) => step.status === 'TODO') ?? steps.find((step) => step.status === 'IN_PROGRESS');
    expect(target).toBeDefined();
    const row = stepRow(runsheet, target!.id);

    // Block it with a reason, from the step panel.
    await row.click();
    const panel = runsheet.getByRole('complementary', { name: 'Step details' });
    await panel.locator(`article[data-step-id="${target!.id}"]`).waitFor({ timeout: 15_000 });
    const statusGroup = panel.getByRole('group', { name: 'Change status' });
    await statusGroup.getByRole('button', { name: 'Move to Blocked' }).click();
    const reasonForm = statusGroup.getByRole('form', { name: 'Reason' });
    await reasonForm.getByRole('textbox').fill('Waiting for the DBA to open the firewall');
    await reasonForm.getByRole('button', { name: 'Move to Blocked' }).click();

    // The runsheet row says why, in the status cell (text and tooltip) and in the row's label.
    await expectEventually(async () => (await row.getAttribute('data-status')) === 'BLOCKED', 15_000, 'row BLOCKED');
    const reasonCell = row.locator('[data-status-reason]');
    await expect(reasonCell.getAttribute('data-status-reason')).resolves.toBe('Waiting for the DBA to open the firewall');
    await expect(reasonCell.getAttribute('title')).resolves.toBe('Why: Waiting for the DBA to open the firewall');
    await expect(reasonCell.innerText()).resolves.toContain('Waiting for the DBA to open the firewall');
    await expect(row.getAttribute('aria-label')).resolves.toContain('Blocked because: Waiting for the DBA to open the firewall');
    await panel.getByTestId('status-reason').filter({ hasText: 'Why blocked: Waiting for the DBA to open the firewall' }).waitFor({ timeout: 15_000 });

    // The Blocked/Failed filter keeps only steps that need attention, this one among them.
    await runsheet.getByRole('checkbox', { name: 'Blocked or failed' }).check({ force: true });
    await expectEventually(async () => {
      const shown = await renderedSteps(runsheet);
      return shown.length > 0 && shown.every((step) => step.status === 'BLOCKED' || step.status === 'FAILED') && shown.some((step) => step.id === target!.id);
    }, 5_000, 'only blocked or failed steps shown');
    await screenshot(page, 'runsheet-blocked-failed-filter', 'umig-runsheet');
    await runsheet.getByRole('checkbox', { name: 'Blocked or failed' }).uncheck({ force: true });
    await expectEventually(async () => (await renderedSteps(runsheet)).some((step) => step.status !== 'BLOCKED' && step.status !== 'FAILED'), 5_000, 'every step shown again');

    // Cancelling asks why and for a confirmation; it is not sent before both are given.
    await statusGroup.getByRole('button', { name: 'Move to Cancelled' }).click();
    const cancelForm = statusGroup.getByRole('form', { name: 'Reason' });
    await cancelForm.getByRole('textbox').fill('Not part of this rehearsal');
    const code = (await row.getAttribute('data-step-code')) || 'the step';
    const submit = cancelForm.getByRole('button', { name: `Cancel ${code}` });
    await expect(submit.isDisabled()).resolves.toBe(true);
    await cancelForm.getByRole('button', { name: 'Keep the step' }).click();
    await expect(cancelForm.count()).resolves.toBe(0);
    await expect(row.getAttribute('data-status')).resolves.toBe('BLOCKED');

    await statusGroup.getByRole('button', { name: 'Move to Cancelled' }).click();
    await cancelForm.getByRole('textbox').fill('Not part of this rehearsal');
    await cancelForm.getByRole('checkbox', { name: /^Yes, cancel / }).check();
    await expect(submit.isEnabled()).resolves.toBe(true);
    await submit.click();
    await expectEventually(async () => (await row.getAttribute('data-status')) === 'CANCELLED', 15_000, 'row CANCELLED');
    await expect(row.locator('[data-status-reason]').getAttribute('data-status-reason')).resolves.toBe('Not part of this rehearsal');
    await screenshot(page, 'runsheet-cancelled-with-reason', 'umig-runsheet');
  });
});

describe('control cards', () => {
  test('a signed slot shows the verdict, who signed, when and the comment', async () => {
    const normal = account('NORMAL');
    const page = await openPageAs(normal);
    const controls = macroFrame(page, 'umig-controls');
    // The NORMAL demo user is the IT validator of the current phase's gates.
    const card = controls.locator('article[data-control-id]').filter({ has: controls.getByRole('group', { name: /^Verdict on / }) }).first();
    await card.waitFor({ timeout: 60_000 });
    const itSlot = card.locator('li[data-slot="IT"]');
    await expect(itSlot.getAttribute('data-verdict')).resolves.toBe('');
    await expect(itSlot.innerText()).resolves.toContain('no verdict yet');

    const form = card.getByRole('group', { name: /^Verdict on / });
    await form.getByRole('textbox').fill('Row counts match the source extract.');
    await form.getByRole('button', { name: /^Fail / }).click();
    await card.getByRole('status').filter({ hasText: 'Recorded: fail as IT validator' }).waitFor({ timeout: 15_000 });

    await expectEventually(async () => (await itSlot.getAttribute('data-verdict')) === 'FAILED', 15_000, 'IT slot shows the verdict');
    const text = await itSlot.innerText();
    expect(text).toContain('Failed');
    expect(text).toContain(`signed by ${normal.name}`);
    expect(text).toMatch(/ on .*\d/);
    await expect(itSlot.getByTestId('verdict-comment').innerText()).resolves.toBe('“Row counts match the source extract.”');
    await expect(itSlot.getAttribute('data-override')).resolves.toBeNull();
    await screenshot(page, 'control-card-signed', 'umig-controls');
  });
});

describe('validator assignment in the controls macro', () => {
  test('a pilot assigns validators to one control and to every control of a phase; one person in both slots is refused', async () => {
    const pilot = account('PILOT');
    const admin = account('ADMIN');
    const normal = account('NORMAL');
    const page = await openPageAs(pilot);
    const controls = macroFrame(page, 'umig-controls');
    const section = controls.locator('section[data-phase-id]').filter({ has: controls.locator('article[data-control-id]') }).first();
    await section.waitFor({ timeout: 60_000 });
    await section.getByRole('button', { name: 'Assign validators' }).click();
    const assignment = section.getByRole('group', { name: /^Assign validators of / });
    await assignment.locator('select').first().waitFor({ timeout: 15_000 });

    // One control: the admin becomes its IT validator.
    const firstCard = section.locator('article[data-control-id]').first();
    const firstId = (await firstCard.getAttribute('data-control-id'))!;
    const row = assignment.locator(`tr[data-assign-control="${firstId}"]`);
    await row.locator('select').nth(0).selectOption({ label: `${admin.name} (${admin.code})` });
    await row.getByRole('button', { name: /^Save / }).click();
    await assignment.getByRole('status').filter({ hasText: /Validators of .+ saved\./ }).waitFor({ timeout: 15_000 });
    await expectEventually(async () => (await firstCard.locator('li[data-slot="IT"]').innerText()).includes(admin.name), 15_000, 'card shows the new IT validator');

    // Every control of the phase: the admin for IT, the NORMAL user for business.
    const all = assignment.locator('tr[data-assign-control="all"]');
    await all.locator('select').nth(0).selectOption({ label: `${admin.name} (${admin.code})` });
    await all.locator('select').nth(1).selectOption({ label: `${normal.name} (${normal.code})` });
    await all.getByRole('button', { name: 'Assign to all controls of this phase' }).click();
    await assignment.getByRole('status').filter({ hasText: /^Validators assigned: \d+ of \d+ controls/ }).waitFor({ timeout: 15_000 });
    const cards = section.locator('article[data-control-id]');
    await expectEventually(async () => {
      const texts = await cards.locator('li[data-slot="BIZ"]').allInnerTexts();
      const its = await cards.locator('li[data-slot="IT"]').allInnerTexts();
      return texts.length > 0 && texts.every((text) => text.includes(normal.name)) && its.every((text) => text.includes(admin.name));
    }, 15_000, 'every card shows the new business validator');
    await screenshot(page, 'controls-validators-assigned', 'umig-controls');
    await expectNoSeriousViolations(await appFrame(page, 'umig-controls'), 'controls macro, validator assignment open');

    // The same person in both slots is refused with the service's sentence; nothing changes.
    await all.locator('select').nth(0).selectOption({ label: `${normal.name} (${normal.code})` });
    await all.locator('select').nth(1).selectOption({ label: `${normal.name} (${normal.code})` });
    await all.getByRole('button', { name: 'Assign to all controls of this phase' }).click();
    await assignment.getByText(/cannot be both the IT and the business validator/).waitFor({ timeout: 15_000 });
    await expect(firstCard.locator('li[data-slot="IT"]').innerText()).resolves.toContain(admin.name);
  });
});

describe('validator assignment in the administration page', () => {
  test('an administrator picks an iteration and assigns a control\'s validators', async () => {
    const admin = account('ADMIN');
    const pilot = account('PILOT');
    const page = await openPageAs(admin, '/wiki/admin/umig');
    const frame = await appFrame(page, 'umig-admin');
    const nav = frame.getByRole('navigation', { name: 'Administration sections' });
    await nav.waitFor({ timeout: 60_000 });
    await nav.getByRole('button', { name: 'Control validators', exact: true }).click();
    await frame.getByLabel('Iteration', { exact: true }).selectOption({ label: session.host.focus!.iterationName });
    const table = frame.getByRole('group', { name: /^Assign validators of / }).first();
    await table.waitFor({ timeout: 30_000 });
    const row = table.locator('tr[data-assign-control]:not([data-assign-control="all"])').first();
    await row.locator('select').nth(1).selectOption({ label: `${pilot.name} (${pilot.code})` });
    await row.getByRole('button', { name: /^Save / }).click();
    await table.getByRole('status').filter({ hasText: /Validators of .+ saved\.|Nothing changed/ }).waitFor({ timeout: 15_000 });
    await expectEventually(async () => (await row.locator('select').nth(1).inputValue()) !== '', 15_000, 'the saved business validator stays chosen');
    await expectNoSeriousViolations(frame, 'admin control validators');
    await screenshot(page, 'admin-control-validators', 'umig-admin');
  });
});
