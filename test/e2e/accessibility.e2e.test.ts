/**
 * The accessibility guard: axe-core (WCAG 2.0/2.1/2.2 A and AA, best practices) on every app
 * screen, in the light and the dark theme, failing on any serious or critical violation; and the
 * keyboard-only path through the runsheet (start a step, tick an instruction, record a control
 * verdict) with the focus never dropped on the frame's body; and reflow at 320 CSS px (no sideways
 * scroll but in data tables, no button label cut) on every macro and admin section.
 *
 * The screens: the runsheet with a FAILED step in view and the step panel open, the step-view and
 * controls macros, the runsheet's config dialog, every section of the administration page and its
 * create dialog, the master-plan drill-down. Other browser tests can run the same check on their
 * own screens with `expectNoSeriousViolations` from ./axe.
 */

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { queryRows } from '../../src/db/query';
import { STEP_STATUS_ID } from '../../src/domain/statuses';
import { expectNoSeriousViolations, type AxeOptions, type AxeViolation } from './axe';
import { appFrame, ARTIFACTS_DIR, launchBrowser, startLocalHost } from './harness';
import { DEMO_PAGE_PATH } from './runsheet-probe';

type Host = Awaited<ReturnType<typeof startLocalHost>>;
type Role = Host['accounts'][number]['role'];
type Theme = 'light' | 'dark';

const ADMIN_PATH = '/wiki/admin/umig';

let host: Host;
let browser: Browser;
const contexts: BrowserContext[] = [];
/** Minor and moderate findings per screen, printed as they are found (they do not fail the guard). */
const advisories = new Map<string, string[]>();

function accountId(role: Role): string {
  const found = host.accounts.find((candidate) => candidate.role === role);
  if (!found) throw new Error(`The demo data has no ${role} account.`);
  return found.accountId;
}

async function openAs(role: Role, to: string, theme: Theme, viewport = { width: 1440, height: 1100 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.warn(`[${role}] page error: ${error.message}`));
  await page.goto(new URL(`/__umig/switch?as=${encodeURIComponent(accountId(role))}&theme=${theme}&to=${encodeURIComponent(to)}`, host.url).href);
  return page;
}

/**
 * The rules that cannot hold in a macro's frame: the Confluence page around it has the `main` and
 * the `h1`, and the macro is a named region with an h2 (docs/decisions.md, Accessibility).
 */
const MACRO_FRAME: AxeOptions = {
  disableRules: {
    'landmark-one-main': "the page's main landmark is Confluence's, around the macro",
    'page-has-heading-one': "the page's h1 is the Confluence page title",
  },
};

async function check(target: Frame | Page, screen: string, options: AxeOptions = {}): Promise<void> {
  const rest: AxeViolation[] = await expectNoSeriousViolations(target, screen, options);
  if (rest.length > 0) {
    advisories.set(screen, rest.map((violation) => `${violation.impact} ${violation.id} (${violation.nodes.length})`));
    console.log(`${screen}: minor/moderate axe findings (not blocking): ${advisories.get(screen)!.join(', ')}`);
  }
}

/** Waits until no loading message or spinner is left in the frame. */
async function settled(frame: Frame): Promise<void> {
  const busy = '/Loading|Checking your access/.test(document.body.innerText) || document.querySelector(\'[aria-busy="true"]\') !== null';
  const started = Date.now();
  while (await frame.evaluate<boolean>(busy)) {
    if (Date.now() - started > 30_000) throw new Error('The screen was still loading after 30 s.');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function shot(page: Page, name: string, selector: string): Promise<void> {
  await page.locator(selector).screenshot({ path: path.join(ARTIFACTS_DIR, `a11y-${name}.png`) });
}

let failedStepId: string;

beforeAll(async () => {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  host = await startLocalHost({ port: 0, demo: 'small' });
  browser = await launchBrowser();
  // A FAILED step in view: the status whose lozenge failed the contrast check.
  const [step] = await queryRows<{ id: string }>(
    host.database.db,
    sql`SELECT sti_id AS id FROM steps_instance_sti WHERE sti_status = ${STEP_STATUS_ID.COMPLETED} ORDER BY sti_id LIMIT 1`,
  );
  failedStepId = step!.id;
  await host.database.db.execute(sql`UPDATE steps_instance_sti SET sti_status = ${STEP_STATUS_ID.FAILED}, updated_at = now() WHERE sti_id = ${failedStepId}`);
}, 300_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await host?.close();
});

describe.each<Theme>(['light', 'dark'])('axe guard, %s theme', (theme) => {
  test('runsheet (failed step in view, step panel open), step view and controls macros', async () => {
    const page = await openAs('PILOT', DEMO_PAGE_PATH, theme);
    const runsheet = await appFrame(page, 'umig-runsheet');
    const failedRow = runsheet.locator(`[role="row"][data-step-id="${failedStepId}"]`);
    await failedRow.waitFor({ timeout: 60_000 });
    await expect(failedRow.getAttribute('data-status')).resolves.toBe('FAILED');
    await failedRow.scrollIntoViewIfNeeded();
    await failedRow.click();
    const panel = runsheet.getByRole('complementary', { name: 'Step details' });
    await panel.getByRole('group', { name: 'Change status' }).waitFor({ timeout: 30_000 });
    await settled(runsheet);
    await check(runsheet, `runsheet (${theme})`, MACRO_FRAME);
    await shot(page, `runsheet-${theme}`, '[data-testid="frame-umig-runsheet"]');

    const stepView = await appFrame(page, 'umig-step-view');
    await stepView.locator('article[data-step-id]').waitFor({ timeout: 30_000 });
    await settled(stepView);
    await check(stepView, `step view (${theme})`, MACRO_FRAME);

    const controls = await appFrame(page, 'umig-controls');
    await controls.locator('article[data-control-id]').first().waitFor({ timeout: 30_000 });
    await settled(controls);
    await check(controls, `controls (${theme})`, MACRO_FRAME);

    // The host page itself (the frames' titles, the page's own landmarks).
    await check(page, `runsheet page chrome (${theme})`);
  });

  test('runsheet config dialog', async () => {
    const page = await openAs('ADMIN', DEMO_PAGE_PATH, theme);
    await page.getByTestId('edit-umig-runsheet').click();
    await page.locator('#config-dialog').waitFor({ state: 'visible' });
    const element = await page.locator('#config-dialog iframe').elementHandle();
    const config = (await element.contentFrame())!;
    await config.getByTestId('current-settings').waitFor({ timeout: 30_000 });
    await settled(config);
    await check(config, `config dialog (${theme})`, MACRO_FRAME);
  });

  test('every administration section, a create dialog and the master-plan drill-down', async () => {
    const page = await openAs('ADMIN', ADMIN_PATH, theme);
    const admin = await appFrame(page, 'umig-admin');
    const nav = admin.getByRole('navigation', { name: 'Administration sections' });
    await nav.waitFor({ timeout: 60_000 });
    const sections = await nav.getByRole('button').allInnerTexts();
    expect(sections.length).toBeGreaterThanOrEqual(16);
    for (const section of sections) {
      await nav.getByRole('button', { name: section, exact: true }).click();
      await settled(admin);
      await check(admin, `admin ${section} (${theme})`);
    }

    await nav.getByRole('button', { name: 'Statuses', exact: true }).click();
    await settled(admin);
    await admin.getByRole('button', { name: 'Create status' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.waitFor();
    // Atlaskit's modal fades in: measure colours once it is opaque.
    await admin.waitForTimeout(800);
    await check(admin, `admin create-status dialog (${theme})`);
    await shot(page, `admin-dialog-${theme}`, '[data-testid="frame-umig-admin"]');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    await nav.getByRole('button', { name: 'Master plans', exact: true }).click();
    await settled(admin);
    const open = admin.getByRole('button', { name: /^Open / }).first();
    if ((await open.count()) > 0) {
      await open.click();
      await settled(admin);
      await check(admin, `admin master-plan drill-down (${theme})`);
    }
  });
});

/** What has the keyboard focus in a frame: its tag, role, name and where it sits. */
interface Focused {
  tag: string;
  role: string | null;
  text: string;
  label: string | null;
  name: string | null;
  inside: string | null;
}

const FOCUSED = `(() => {
  const element = document.activeElement;
  if (!element || element === document.body || element === document.documentElement) return null;
  const within = element.closest('[role="group"], [role="treegrid"], ul[aria-label], article, aside, section');
  return {
    tag: element.tagName.toLowerCase(),
    role: element.getAttribute('role'),
    text: (element.textContent || '').trim().slice(0, 120),
    label: element.getAttribute('aria-label'),
    name: element.getAttribute('name'),
    inside: within ? (within.getAttribute('aria-label') || within.tagName.toLowerCase()) : null,
  };
})()`;

/** The focused element of the frame; fails when the focus is on the body (dropped). */
async function focused(frame: Frame, after: string): Promise<Focused> {
  const found = await frame.evaluate<Focused | null>(FOCUSED);
  if (!found) throw new Error(`After ${after} the focus was dropped on the frame's body.`);
  return found;
}

/** The focused element, or null while it is on the body (for waits across a dialog closing). */
const focusNow = (frame: Frame) => frame.evaluate<Focused | null>(FOCUSED);

/** Presses Tab until the frame's focused element passes `wanted` (at most `limit` presses). */
async function tabTo(page: Page, frame: Frame, wanted: (element: Focused) => boolean, what: string, limit = 60): Promise<Focused> {
  for (let presses = 0; presses < limit; presses++) {
    const current = await frame.evaluate<Focused | null>(FOCUSED);
    if (current && wanted(current)) return current;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab did not reach ${what} in ${limit} presses.`);
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`Not within ${timeoutMs / 1000} s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('keyboard only', () => {
  test('open a step from the runsheet, start it, tick an instruction, add and delete a comment, record a control verdict; the focus is never dropped', async () => {
    // The demo's step in progress, put back to "to do" with its checklist open.
    const stepId = host.focus?.stepId;
    if (!stepId) throw new Error('The demo data has no focus step.');
    await host.database.db.execute(
      sql`UPDATE steps_instance_sti SET sti_status = ${STEP_STATUS_ID.TODO}, sti_start_time = NULL, sti_end_time = NULL, updated_at = now() WHERE sti_id = ${stepId}`,
    );
    await host.database.db.execute(sql`UPDATE instructions_instance_ini SET ini_is_completed = false, ini_completed_at = NULL, usr_id_completed_by = NULL, updated_at = now() WHERE sti_id = ${stepId}`);

    const page = await openAs('PILOT', DEMO_PAGE_PATH, 'light');
    const runsheet = await appFrame(page, 'umig-runsheet');
    await runsheet.locator(`[role="row"][data-step-id="${stepId}"]`).waitFor({ timeout: 60_000 });

    // Tab from the top of the page into the runsheet's table (one row is in the tab order), then
    // down the rows with the arrow keys to the step.
    await page.locator('body').press('Tab');
    await tabTo(page, runsheet, (element) => element.role === 'row', 'a row of the runsheet table', 80);
    const onStep = `document.activeElement.dataset.stepId === ${JSON.stringify(stepId)}`;
    for (let presses = 0; !(await runsheet.evaluate<boolean>(onStep)); presses++) {
      if (presses > 200) throw new Error('ArrowDown did not reach the step.');
      await page.keyboard.press('ArrowDown');
      await expect(focused(runsheet, 'ArrowDown in the table')).resolves.toMatchObject({ role: 'row' });
    }
    await expect(focused(runsheet, 'the arrows')).resolves.toMatchObject({ label: expect.stringContaining(', Todo,') });

    // Enter opens the step beside the table; the focus goes to the step's heading.
    await page.keyboard.press('Enter');
    const panel = runsheet.getByRole('complementary', { name: 'Step details' });
    const article = panel.locator(`article[data-step-id="${stepId}"]`);
    await article.getByRole('group', { name: 'Change status' }).waitFor({ timeout: 30_000 });
    await until(async () => (await focused(runsheet, 'opening the step')).tag === 'h3', 'the focus on the step heading');

    // Start it: Tab to "Move to In progress", Enter. Once the step is read again the focus is on
    // the first move now offered, in the same group.
    await tabTo(page, runsheet, (element) => element.tag === 'button' && element.text === 'Move to In progress', '"Move to In progress"', 10);
    await page.keyboard.press('Enter');
    await panel.locator(`article[data-step-id="${stepId}"][data-step-status="IN_PROGRESS"]`).waitFor({ timeout: 30_000 });
    await until(async () => {
      const now = await focused(runsheet, 'Move to In progress');
      return now.tag === 'button' && now.text.startsWith('Move to ') && now.inside === 'Change status';
    }, 'the focus on the next status move');

    // Tick the first instruction with Space: the box keeps the focus while it is saved and after
    // the step is read again (the count in the section heading comes from that read).
    const box = await tabTo(page, runsheet, (element) => element.tag === 'input' && element.inside === 'Instructions', 'the first instruction', 30);
    await page.keyboard.press('Space');
    await expect(focused(runsheet, 'ticking the instruction')).resolves.toMatchObject({ tag: 'input', name: box.name });
    const firstItem = article.getByRole('list', { name: 'Instructions' }).locator('li').first();
    await until(async () => (await firstItem.getAttribute('data-completed')) === 'true', 'the tick shown');
    await article.getByRole('heading', { name: /^Instructions \(1\/\d+\)$/ }).waitFor({ timeout: 30_000 });
    await expect(focused(runsheet, 'the tick confirmed')).resolves.toMatchObject({ tag: 'input', name: box.name });

    // A comment: type it, Tab to "Add comment", Enter; the focus goes back to the (now empty) box.
    await tabTo(page, runsheet, (element) => element.tag === 'textarea' && element.inside === 'Comments', 'the new comment box', 30);
    await page.keyboard.type('Started from the keyboard.');
    await tabTo(page, runsheet, (element) => element.tag === 'button' && element.text === 'Add comment', '"Add comment"', 3);
    await page.keyboard.press('Enter');
    const mine = article.getByRole('listitem').filter({ hasText: 'Started from the keyboard.' });
    await mine.waitFor({ timeout: 30_000 });
    await expect(focused(runsheet, 'adding a comment')).resolves.toMatchObject({ tag: 'textarea', inside: 'Comments' });
    // Delete it: Shift+Tab to its Delete, Enter; the question's safe answer (Keep) has the focus;
    // Shift+Tab to "Delete comment", Enter; the comment goes and the focus is on the box again.
    await page.keyboard.press('Shift+Tab');
    await expect(focused(runsheet, 'Shift+Tab')).resolves.toMatchObject({ tag: 'button', text: 'Delete' });
    await page.keyboard.press('Enter');
    await until(async () => (await focused(runsheet, 'Delete')).text === 'Keep', 'the focus on Keep');
    await page.keyboard.press('Shift+Tab');
    await expect(focused(runsheet, 'Shift+Tab')).resolves.toMatchObject({ tag: 'button', text: 'Delete comment' });
    await page.keyboard.press('Enter');
    await mine.waitFor({ state: 'detached', timeout: 30_000 });
    await expect(focused(runsheet, 'deleting the comment')).resolves.toMatchObject({ tag: 'textarea', inside: 'Comments' });

    // A control verdict: Tab to the first "Pass" of the phase's controls, type a comment on the
    // way, Enter. The pressed button keeps the focus, during the call and after.
    await tabTo(page, runsheet, (element) => element.tag === 'textarea' && (element.label ?? '').startsWith('Verdict comment'), 'a verdict comment', 60);
    await page.keyboard.type('Checked from the keyboard.');
    const pass = await tabTo(page, runsheet, (element) => element.tag === 'button' && element.text.startsWith('Pass '), 'a Pass button', 5);
    await page.keyboard.press('Enter');
    // (While the call runs the button says "…, Loading" and is aria-disabled, not disabled.)
    await expect(focused(runsheet, 'pressing Pass')).resolves.toMatchObject({ tag: 'button', text: expect.stringContaining(pass.text) });
    await article.getByRole('status').filter({ hasText: /^(Recorded: pass|Nothing changed)/ }).waitFor({ timeout: 30_000 });
    await expect(focused(runsheet, 'the verdict recorded')).resolves.toMatchObject({ tag: 'button', text: pass.text });
    await shot(page, 'keyboard-verdict', '[data-testid="frame-umig-runsheet"]');
  });

  test('the master-plan drill-down and a deleted row put the focus on a heading, never on the body', async () => {
    const page = await openAs('ADMIN', ADMIN_PATH, 'light');
    const admin = await appFrame(page, 'umig-admin');
    const nav = admin.getByRole('navigation', { name: 'Administration sections' });
    await nav.waitFor({ timeout: 60_000 });
    // The groups of sections are lists named by their titles.
    await expect(nav.getByRole('list', { name: 'Migrations' }).count()).resolves.toBe(1);
    await expect(nav.getByRole('list', { name: 'Reference data' }).count()).resolves.toBe(1);

    await nav.getByRole('button', { name: 'Master plans', exact: true }).focus();
    await page.keyboard.press('Enter');
    await settled(admin);
    const open = admin.getByRole('button', { name: /^Open plan / }).first();
    await open.focus();
    await page.keyboard.press('Enter');
    await until(async () => {
      const now = await focused(admin, 'opening a master plan');
      return now.tag === 'h2' && now.text.startsWith('Sequences of ');
    }, 'the focus on the sequences heading');
    // Back up with the breadcrumb: the focus goes to the plans' heading.
    await admin.getByRole('navigation', { name: 'Master plan path' }).getByRole('button', { name: 'Master plans' }).focus();
    await page.keyboard.press('Enter');
    await until(async () => (await focused(admin, 'the breadcrumb')).tag === 'h2', 'the focus on the master plans heading');

    // Deleting a row takes its buttons away: the focus goes to the table's heading, not the body.
    await host.database.db.execute(sql`INSERT INTO teams_tms (tms_name) VALUES ('Keyboard test team')`);
    await nav.getByRole('button', { name: 'Teams', exact: true }).focus();
    await page.keyboard.press('Enter');
    await settled(admin);
    await admin.getByRole('button', { name: 'Delete Keyboard test team', exact: true }).focus();
    await page.keyboard.press('Enter');
    const dialog = admin.getByRole('dialog', { name: 'Delete team?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Delete', exact: true }).focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    await admin.getByRole('button', { name: 'Delete Keyboard test team', exact: true }).waitFor({ state: 'detached' });
    await until(async () => {
      const now = await focusNow(admin);
      return now?.tag === 'h2' && now.text === 'Teams';
    }, 'the focus on the Teams heading');
    await expect(focused(admin, 'deleting a team')).resolves.toMatchObject({ tag: 'h2', text: 'Teams' });
  });
});

/** Browser code: how the frame reflows (sideways scroll of the document, buttons cut or outside). */
const REFLOW = `(() => {
  const root = document.scrollingElement;
  const width = root.clientWidth;
  const inTable = (element) => element.closest('[role="treegrid"], [role="grid"], table') !== null;
  const visible = (element) => { const box = element.getBoundingClientRect(); return box.width > 0 && box.height > 0; };
  const cut = [];
  for (const button of document.querySelectorAll('button')) {
    if (!visible(button) || inTable(button)) continue;
    const box = button.getBoundingClientRect();
    const parts = [button, ...button.querySelectorAll('*')];
    const clipped = parts.some((part) => part.scrollWidth > part.clientWidth + 1 && getComputedStyle(part).overflowX !== 'visible');
    if (clipped || box.left < -1 || box.right > width + 1) cut.push((button.textContent || button.getAttribute('aria-label') || '?').trim());
  }
  return { scrollWidth: root.scrollWidth, clientWidth: width, cut };
})()`;

async function expectReflows(frame: Frame, screen: string): Promise<void> {
  const reflow = await frame.evaluate<{ scrollWidth: number; clientWidth: number; cut: string[] }>(REFLOW);
  if (reflow.scrollWidth > reflow.clientWidth + 1) {
    const widest = await frame.evaluate<string[]>(`[...document.querySelectorAll('body *')]
      .filter((element) => element.getBoundingClientRect().right > document.scrollingElement.clientWidth + 1 && !element.closest('[role="treegrid"], table'))
      .slice(0, 8).map((element) => element.tagName.toLowerCase() + (element.getAttribute('aria-label') ? '[' + element.getAttribute('aria-label') + ']' : '') + ' ' + Math.round(element.getBoundingClientRect().right) + 'px: ' + (element.textContent || '').trim().slice(0, 60))`);
    throw new Error(`${screen}: the frame scrolls sideways at 320 CSS px (${reflow.scrollWidth} px of content in ${reflow.clientWidth} px).\n${widest.join('\n')}`);
  }
  expect({ screen, cut: reflow.cut }).toEqual({ screen, cut: [] });
}

describe('reflow at 320 CSS px (400% zoom)', () => {
  const NARROW = { width: 320, height: 800 };

  test('runsheet with the step panel open, step view and controls macros', async () => {
    const page = await openAs('PILOT', DEMO_PAGE_PATH, 'light', NARROW);
    const runsheet = await appFrame(page, 'umig-runsheet');
    const row = runsheet.locator('[role="row"][data-row-kind="step"]').first();
    await row.waitFor({ timeout: 60_000 });
    await expectReflows(runsheet, 'runsheet');
    await row.focus();
    await page.keyboard.press('Enter');
    const panel = runsheet.getByRole('complementary', { name: 'Step details' });
    await panel.locator('article[data-step-id]').waitFor({ timeout: 30_000 });
    await settled(runsheet);
    await expectReflows(runsheet, 'runsheet with the step panel');
    // The panel is under the table, not squeezed beside it.
    const [grid, aside] = await Promise.all([runsheet.getByRole('treegrid').boundingBox(), panel.boundingBox()]);
    expect(aside!.y).toBeGreaterThanOrEqual(grid!.y + grid!.height);
    await shot(page, 'reflow-runsheet', '[data-testid="frame-umig-runsheet"]');

    const stepView = await appFrame(page, 'umig-step-view');
    await stepView.locator('article[data-step-id]').waitFor({ timeout: 30_000 });
    await settled(stepView);
    await expectReflows(stepView, 'step view');
    const moves = await stepView.getByRole('button', { name: /^Move to / }).allInnerTexts();
    for (const label of moves) expect(label.trim()).toMatch(/^Move to \S/);
    await shot(page, 'reflow-step-view', '[data-testid="frame-umig-step-view"]');

    const controls = await appFrame(page, 'umig-controls');
    await controls.locator('article[data-control-id]').first().waitFor({ timeout: 30_000 });
    await settled(controls);
    await expectReflows(controls, 'controls');
    await shot(page, 'reflow-controls', '[data-testid="frame-umig-controls"]');
  });

  test('administration page, every section', async () => {
    const page = await openAs('ADMIN', ADMIN_PATH, 'light', NARROW);
    const admin = await appFrame(page, 'umig-admin');
    const nav = admin.getByRole('navigation', { name: 'Administration sections' });
    await nav.waitFor({ timeout: 60_000 });
    for (const section of await nav.getByRole('button').allInnerTexts()) {
      await nav.getByRole('button', { name: section, exact: true }).click();
      await settled(admin);
      await expectReflows(admin, `admin ${section}`);
    }
    await shot(page, 'reflow-admin', '[data-testid="frame-umig-admin"]');
  });
});
