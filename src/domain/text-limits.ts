/**
 * How long free text typed in the apps may be. One place for the service's zod schemas and the
 * apps' forms, so a form refuses exactly what the service would, with a sentence, and never cuts.
 */
export const COMMENT_MAX = 10_000;
export const VERDICT_COMMENT_MAX = 4_000;
export const RUN_NAME_MAX = 255;
