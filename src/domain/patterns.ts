import { RE2JS } from 're2js';

/**
 * Administrator-written validation patterns (system configuration `scf_validation_pattern`) run
 * on RE2 (re2js, pure JavaScript): matching takes time linear in the text, whatever the pattern,
 * so no pattern can hold the event loop, and with it every site this instance serves. A pattern
 * JavaScript would need backtracking for (back-references, look-around) is refused when it is
 * saved, with a sentence saying why. Like JavaScript's RegExp.test, a pattern is searched for in
 * the text, not implicitly anchored.
 */

/** Longest pattern accepted: the column's width. */
export const MAX_PATTERN_LENGTH = 500;
/** Longest text a pattern is ever run on; longer values are refused before matching. */
export const MAX_PATTERN_SUBJECT_LENGTH = 100_000;

export interface SafePattern {
  test(text: string): boolean;
}

export type PatternCompilation = { ok: true; pattern: SafePattern } | { ok: false; reason: string };

export function compileSafePattern(source: string): PatternCompilation {
  if (source.length > MAX_PATTERN_LENGTH) return { ok: false, reason: `A validation pattern may be at most ${MAX_PATTERN_LENGTH} characters long.` };
  let re2: RE2JS;
  try {
    re2 = RE2JS.compile(source);
  } catch (error) {
    const detail = error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : '';
    let validInJavaScript = true;
    try {
      new RegExp(source);
    } catch {
      validInJavaScript = false;
    }
    return {
      ok: false,
      reason: validInJavaScript
        ? `The validation pattern uses a feature UMIG does not run (back-references, look-around or a repeat count over 1000), because such patterns can take unbounded time${detail ? ` (${detail})` : ''}.`
        : 'The validation pattern is not a valid regular expression.',
    };
  }
  return {
    ok: true,
    pattern: {
      test(text) {
        if (text.length > MAX_PATTERN_SUBJECT_LENGTH) return false;
        return re2.test(text);
      },
    },
  };
}
