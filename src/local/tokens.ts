import { createRequire } from 'node:module';

/**
 * The Atlaskit design tokens as one stylesheet: the light and dark colour themes and the
 * typography, spacing and shape themes, the set Confluence applies when an app calls
 * view.theme.enable(). Each theme's CSS is scoped by html[data-color-mode][data-theme] selectors,
 * so the same file serves both modes; the attributes pick one.
 */
const THEMES = ['atlassian-light', 'atlassian-dark', 'atlassian-typography', 'atlassian-spacing', 'atlassian-shape'];

/** The data-theme attribute value those selectors expect. */
export const THEME_ATTRIBUTE = 'dark:dark light:light shape:shape spacing:spacing typography:typography';

export function tokenStylesheet(): string {
  // @atlaskit/tokens ships each theme as a CommonJS module exporting its CSS text.
  const load = createRequire(__filename);
  return THEMES.map((theme) => (load(`@atlaskit/tokens/dist/cjs/artifacts/themes/${theme}.js`) as { default: string }).default).join('\n');
}
