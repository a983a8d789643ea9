import { useCallback, useEffect, useRef, useState } from 'react';
import { umig, type StepDetail, type StepTransitions } from '../api';
import { describeError } from '../bridge';

export type StepState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; detail: StepDetail; transitions: StepTransitions; reloading: boolean };

/**
 * The step's detail ('steps/get') and the moves the service offers this user now
 * ('steps/allowedTransitions'), read together. `reload` keeps the current frame on screen while
 * it reads again; a failed reload keeps it too and reports the sentence.
 */
export function useStep(stepId: string) {
  const [state, setState] = useState<StepState>({ status: 'loading' });
  const [reloadError, setReloadError] = useState<string>();
  const generation = useRef(0);

  const load = useCallback(
    async (mode: 'initial' | 'reload') => {
      const mine = ++generation.current;
      if (mode === 'initial') setState({ status: 'loading' });
      else setState((current) => (current.status === 'ready' ? { ...current, reloading: true } : current));
      try {
        const [detail, transitions] = await Promise.all([umig('steps/get', { stepId }), umig('steps/allowedTransitions', { stepId })]);
        if (mine !== generation.current) return;
        setReloadError(undefined);
        setState({ status: 'ready', detail, transitions, reloading: false });
      } catch (error) {
        if (mine !== generation.current) return;
        const message = describeError(error);
        setState((current) => {
          if (current.status === 'ready' && mode === 'reload') {
            setReloadError(message);
            return { ...current, reloading: false };
          }
          return { status: 'error', message };
        });
      }
    },
    [stepId],
  );

  useEffect(() => {
    void load('initial');
  }, [load]);

  const reload = useCallback(() => load('reload'), [load]);
  return { state, reload, reloadError };
}
