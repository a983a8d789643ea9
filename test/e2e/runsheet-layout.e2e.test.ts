/**
 * The runsheet at the widths a cutover team works at, in a real browser on the `npm start` host:
 * 1280 px with the step panel open (columns by priority, nothing cut off, the rest one toggle
 * away), 800 px (the panel under the table, nothing scrolls sideways but the table), Escape closes
 * the panel, and the print view holds every row the filters show.
 */
import type { FrameLocator, Page } from 'playwright-core';
import { appFrame, useBrowserTests } from './harness';
import { DEMO_PAGE_PATH } from './runsheet-probe';


const session = useBrowserTests();



async function openRunsheet(width: number): Promise<{ page: Page; runsheet: FrameLocator }> {
  const context = await session.newContext({ viewport: { width, height: 1000 } });
  const page = await context.newPage();
  const pilot = session.host.accounts.find((account) => account.role === 'PILOT')!;
  await page.goto(new URL(`/__umig/switch?as=${encodeURIComponent(pilot.accountId)}&to=${encodeURIComponent(DEMO_PAGE_PATH)}`, session.host.url).href);
  const runsheet = page.frameLocator('[data-testid="frame-umig-runsheet"]');
  await runsheet.locator('[role="row"][data-row-kind="step"]').first().waitFor({ timeout: 60_000 });
  return { page, runsheet };
}

const headers = (runsheet: FrameLocator) => runsheet.getByRole('columnheader').allInnerTexts();

/** The table scrolls sideways only when it holds more columns than fit. */
async function gridOverflows(runsheet: FrameLocator): Promise<boolean> {
  return runsheet.getByRole('treegrid', { name: 'Runsheet steps' }).evaluate((grid) => grid.scrollWidth > grid.clientWidth + 1);
}

async function openFirstStep(runsheet: FrameLocator): Promise<FrameLocator> {
  // A step still to run, so the panel offers status moves.
  const row = runsheet.locator('[role="row"][data-row-kind="step"]:not([data-status="COMPLETED"])').first();
  await row.focus();
  await row.press('Enter');
  await runsheet.getByRole('complementary', { name: 'Step details' }).locator('article[data-step-id]').waitFor({ timeout: 15_000 });
  return runsheet;
}

describe('runsheet layout', () => {
  test('1280 px with the step panel open: the columns that fit by priority, the rest one toggle away; Escape closes the panel', async () => {
    const { runsheet } = await openRunsheet(1280);
    await openFirstStep(runsheet);
    const shown = await headers(runsheet);
    expect(shown.slice(0, 2)).toEqual(['Code', 'Step']);
    expect(shown).toEqual(expect.arrayContaining(['Code', 'Step', 'Status']));
    expect(await gridOverflows(runsheet)).toBe(false);

    // Every column, the table scrolling sideways inside itself.
    await runsheet.getByRole('button', { name: 'All columns' }).click();
    await expect(runsheet.getByRole('button', { name: 'All columns' }).getAttribute('aria-pressed')).resolves.toBe('true');
    await expect(headers(runsheet)).resolves.toEqual(['Code', 'Step', 'Type', 'Owner team', 'Status', 'Duration', 'Planned', 'Forecast', 'Actual', 'Instructions', 'Controls']);
    await runsheet.getByRole('button', { name: 'All columns' }).click();
    await expect(headers(runsheet)).resolves.toEqual(shown);

    // Escape in the panel closes it and gives focus back to the row it was opened from.
    await runsheet.getByRole('complementary', { name: 'Step details' }).getByRole('heading').first().focus();
    await runsheet.getByRole('complementary', { name: 'Step details' }).press('Escape');
    await runsheet.getByRole('complementary', { name: 'Step details' }).waitFor({ state: 'detached' });
    const focused = await runsheet.locator(':focus').getAttribute('data-row-kind');
    expect(focused).toBe('step');
  });

  test('800 px: the panel sits under the table and nothing but the table scrolls sideways', async () => {
    const { runsheet } = await openRunsheet(800);
    await openFirstStep(runsheet);
    const page = runsheet.locator('html');
    expect(await page.evaluate((html) => html.scrollWidth <= html.clientWidth + 1)).toBe(true);
    expect(await gridOverflows(runsheet)).toBe(false);
    const grid = await runsheet.getByRole('treegrid', { name: 'Runsheet steps' }).boundingBox();
    const panel = await runsheet.getByRole('complementary', { name: 'Step details' }).boundingBox();
    expect(panel!.y).toBeGreaterThanOrEqual(grid!.y + grid!.height - 1);
    // The status moves are whole buttons, not cut labels.
    await expect(runsheet.getByRole('group', { name: 'Change status' }).getByRole('button').first().isVisible()).resolves.toBe(true);
  });

  test('the print view lists every step the filters show, not only the rows on screen', async () => {
    const { page, runsheet } = await openRunsheet(1280);
    const count = Number(await runsheet.locator('body').getAttribute('data-umig-shown-steps'));
    expect(count).toBeGreaterThan(0);
    // The browser's print dialog is not part of the test.
    await (await appFrame(page, 'umig-runsheet')).evaluate(() => {
      (globalThis as unknown as { print: () => void }).print = () => undefined;
    });
    await runsheet.getByRole('button', { name: 'Print view' }).click();
    const view = runsheet.getByTestId('print-view');
    await view.waitFor();
    await expect(view.locator('tr[data-step-id]').count()).resolves.toBe(count);
    await view.getByRole('button', { name: 'Back to the runsheet' }).click();
    await runsheet.locator('[role="row"][data-row-kind="step"]').first().waitFor();
    await expect(runsheet.locator(':focus').innerText()).resolves.toBe('Print view');
  });
});
