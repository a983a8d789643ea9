import type { FullContext } from '@forge/bridge';
import { useEffect, useState } from 'react';
import { loadBridge, NO_HOST_MESSAGE } from './forge';

export type ForgeContextState =
  | { status: 'loading' }
  | { status: 'ready'; context: FullContext }
  | { status: 'error'; message: string };

/** The Forge context of this module (site, user, macro config...), read once on mount. */
export function useForgeContext(): ForgeContextState {
  const [state, setState] = useState<ForgeContextState>({ status: 'loading' });
  useEffect(() => {
    let current = true;
    loadBridge()
      .then((forge) => forge.view.getContext())
      .then(
        (context) => {
          if (current) setState({ status: 'ready', context });
        },
        (error: unknown) => {
          console.error('UMIG: could not read the Forge context', error);
          if (current) setState({ status: 'error', message: NO_HOST_MESSAGE });
        },
      );
    return () => {
      current = false;
    };
  }, []);
  return state;
}
