import type * as ForgeBridge from '@forge/bridge';

let bridge: Promise<typeof ForgeBridge> | undefined;

/**
 * @forge/bridge connects to its Confluence host the moment it is evaluated and throws when there is
 * none. Loading it on first use, instead of importing it at the top of a module, lets an app that
 * is opened outside Confluence show a sentence instead of a blank frame.
 */
export function loadBridge(): Promise<typeof ForgeBridge> {
  bridge ??= import('@forge/bridge');
  return bridge;
}

/** Said when the app is not running inside a Confluence page (or the host refused the bridge). */
export const NO_HOST_MESSAGE = 'UMIG could not connect to Confluence. Open this page in Confluence and try again.';

/**
 * Asks Forge to apply Confluence's light or dark theme, so `token()` values follow the page.
 * Failure is not fatal: every token used here carries its light-theme fallback.
 */
export function enableTheming(): void {
  loadBridge()
    .then((forge) => forge.view.theme.enable())
    .catch((error: unknown) => console.warn('UMIG: theming is not available', error));
}
