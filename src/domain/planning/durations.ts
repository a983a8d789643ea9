/**
 * How long one step or instruction may be planned to take. A week bounds it: longer work is
 * several steps on a runsheet, and a typo such as `1e9` must be refused, not planned (decisions.md).
 * The admin forms, the imports and the service all use this one bound.
 */
export const DURATION_MAX_MINUTES = 10_080;

export const DURATION_RULE = `a whole number of minutes from 0 to ${DURATION_MAX_MINUTES.toLocaleString('en')} (7 days)`;
