import { readFileSync } from 'node:fs';
import type { Frame, Page } from 'playwright-core';

/**
 * The accessibility guard: axe-core run inside any app frame (or page) of a browser test.
 *
 * Any e2e test can call `expectNoSeriousViolations(frame, 'what the screen is')` once its screen is
 * on view; the screen guard in accessibility.e2e.test.ts calls it on every app screen in the light
 * and the dark theme. It checks WCAG 2.0, 2.1 and 2.2 A and AA plus axe's best practices, and fails
 * on a serious or critical violation, with each rule, its help text and the offending elements.
 *
 * The frames run under the Forge content security policy (no inline or eval'd script), so axe is
 * not added as a script tag: its source is evaluated through the DevTools protocol, which the page's
 * policy does not govern, in the frame's own world (axe needs the frame's DOM and styles).
 */

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The rule sets checked: WCAG 2.0/2.1/2.2 A and AA, and axe's best practices. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] as const;

export type Impact = 'minor' | 'moderate' | 'serious' | 'critical';

export interface AxeViolation {
  id: string;
  impact: Impact | null;
  help: string;
  helpUrl: string;
  nodes: Array<{ target: string[]; failureSummary: string; html: string }>;
}

export interface AxeOptions {
  /** A CSS selector to check instead of the whole document. */
  include?: string;
  /** Selectors left out (e.g. a third-party widget the app cannot change). */
  exclude?: string[];
  /**
   * Rules not to run, each with the reason it does not apply. Keep this empty unless the rule
   * cannot hold inside a Confluence macro frame.
   */
  disableRules?: Record<string, string>;
}

type Target = Frame | Page;

async function ensureAxe(target: Target): Promise<void> {
  const loaded = await target.evaluate('typeof window.axe === "object" && typeof window.axe.run === "function"');
  if (loaded) return;
  await target.evaluate(AXE_SOURCE);
}

/** Runs axe on the frame (or page) as it is now and returns every violation. */
export async function axeViolations(target: Target, options: AxeOptions = {}): Promise<AxeViolation[]> {
  await ensureAxe(target);
  const context = options.include || options.exclude ? { include: options.include ? [options.include] : undefined, exclude: (options.exclude ?? []).map((selector) => [selector]) } : undefined;
  const rules = Object.fromEntries(Object.keys(options.disableRules ?? {}).map((rule) => [rule, { enabled: false }]));
  const runOptions = { runOnly: { type: 'tag', values: [...AXE_TAGS] }, rules, iframes: false, resultTypes: ['violations'] };
  // Browser code as a string: the tests are typed without the DOM library. Frames inside the frame
  // are not the app's (axe would need to be injected there too), so they are not followed.
  return target.evaluate<AxeViolation[]>(`(async () => {
    const result = await window.axe.run(${context ? JSON.stringify(context) : 'document'}, ${JSON.stringify(runOptions)});
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      helpUrl: violation.helpUrl,
      nodes: violation.nodes.map((node) => ({ target: node.target.map(String), failureSummary: node.failureSummary || '', html: node.html.slice(0, 300) })),
    }));
  })()`);
}

const BLOCKING: ReadonlySet<Impact | null> = new Set<Impact | null>(['serious', 'critical']);

/** A readable list of violations, one rule per paragraph, for a test failure. */
export function describeViolations(violations: readonly AxeViolation[]): string {
  return violations
    .map(
      (violation) =>
        `[${violation.impact}] ${violation.id}: ${violation.help} (${violation.helpUrl})\n` +
        violation.nodes
          .slice(0, 8)
          .map((node) => `  - ${node.target.join(' ')}\n    ${node.failureSummary.replace(/\n/g, '\n    ')}\n    ${node.html}`)
          .join('\n'),
    )
    .join('\n');
}

/**
 * Fails the test on any serious or critical axe violation of the screen; returns the minor and
 * moderate ones (logged, not blocking) so a caller can print or count them.
 */
export async function expectNoSeriousViolations(target: Target, screen: string, options: AxeOptions = {}): Promise<AxeViolation[]> {
  const violations = await axeViolations(target, options);
  const blocking = violations.filter((violation) => BLOCKING.has(violation.impact));
  if (blocking.length > 0) {
    throw new Error(`${screen}: ${blocking.length} serious or critical accessibility violation(s)\n${describeViolations(blocking)}`);
  }
  return violations.filter((violation) => !BLOCKING.has(violation.impact));
}
