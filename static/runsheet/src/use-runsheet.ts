import { useCallback, useEffect, useRef, useState } from 'react';
import { umig, type Runsheet } from '../../shared/api';
import { describeError } from '../../shared/bridge';
import { loadRunsheet, loadRunsheetChanges } from '../../shared/runsheet-client';
import { recordPerf } from '../../shared/perf';
import { applyChanges } from './model';
import type { RunsheetView } from './config';
import { DEFAULT_REFRESH_MS, MAX_REFRESH_MS, refreshMsOf } from './refresh';

/** A change made here asks for a refresh this soon; several changes in a row share one call. */
const SOON_MS = 250;

export type RunsheetState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; runsheet: Runsheet };

export interface RunsheetHandle {
  state: RunsheetState;
  /** The last refresh failed: the rows shown are as of `runsheet.asOf`. */
  refreshError?: string;
  /** Step ids the service lists as the caller's ('runsheet/get' with mine), null until read. */
  mine: ReadonlySet<string> | null;
  mineError?: string;
  retry: () => void;
  /** Ask for changed rows now (after a change made in this page). */
  refreshSoon: () => void;
}

/** The refresh interval from 'session/me' (`refreshSeconds`); DEFAULT_REFRESH_MS until it answers, or if it fails. */
export function useRefreshInterval(): number {
  const [ms, setMs] = useState(DEFAULT_REFRESH_MS);
  useEffect(() => {
    let current = true;
    umig('session/me', {}).then(
      (session) => {
        if (current) setMs(refreshMsOf(session.refreshSeconds));
      },
      (error: unknown) => console.warn('UMIG: could not read the refresh interval; refreshing every 5 s', error),
    );
    return () => {
      current = false;
    };
  }, []);
  return ms;
}

/** `refreshMs` may change while the runsheet is open: the next refresh uses it, nothing is reloaded. */
export function useRunsheet(view: RunsheetView, refreshMs = DEFAULT_REFRESH_MS): RunsheetHandle {
  const [state, setState] = useState<RunsheetState>({ status: 'loading' });
  const [refreshError, setRefreshError] = useState<string>();
  const [mine, setMine] = useState<ReadonlySet<string> | null>(null);
  const [mineError, setMineError] = useState<string>();
  const [attempt, setAttempt] = useState(0);

  const runsheetRef = useRef<Runsheet | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const inFlight = useRef(false);
  const again = useRef(false);
  const delay = useRef(refreshMs);
  const interval = useRef(refreshMs);
  const alive = useRef(true);

  useEffect(() => {
    // Not backing off after a failure: the new interval applies from the next refresh.
    if (delay.current === interval.current) delay.current = refreshMs;
    interval.current = refreshMs;
  }, [refreshMs]);

  const scope = { iterationId: view.iterationId, planInstanceId: view.planInstanceId, sequenceId: view.sequenceId };
  const scopeKey = JSON.stringify(scope);

  // The full read: on mount, on retry, and when changes name steps the runsheet does not hold.
  const loadFull = useCallback(async () => {
    const started = performance.now();
    const payload = JSON.parse(scopeKey) as typeof scope;
    const runsheet = await loadRunsheet(payload);
    recordPerf('runsheet/get', performance.now() - started, { steps: countSteps(runsheet) });
    return runsheet;
  }, [scopeKey]);

  const tick = useCallback(async () => {
    window.clearTimeout(timer.current);
    const current = runsheetRef.current;
    if (!alive.current || !current) return;
    if (document.hidden) return; // visibilitychange starts the loop again
    if (inFlight.current) {
      again.current = true;
      return;
    }
    inFlight.current = true;
    try {
      const started = performance.now();
      const changes = await loadRunsheetChanges({ iterationId: current.iteration.id, since: current.asOf });
      if (!alive.current) return;
      // Someone may have replaced the runsheet while the call was out (a full reload): keep theirs.
      const base = runsheetRef.current ?? current;
      const merged = applyChanges(base, changes);
      let next = merged.runsheet;
      if (merged.unknownSteps > 0) next = await loadFull();
      recordPerf('runsheet/changesSince', performance.now() - started, { changed: changes.steps.length });
      if (!alive.current) return;
      runsheetRef.current = next;
      const anything = changes.steps.length + changes.phases.length + changes.sequences.length + changes.planInstances.length > 0;
      if (anything || next !== merged.runsheet) {
        setState({ status: 'ready', runsheet: next });
      } else {
        runsheetRef.current = { ...base, asOf: changes.asOf };
      }
      setRefreshError(undefined);
      delay.current = interval.current;
    } catch (error) {
      if (!alive.current) return;
      setRefreshError(describeError(error));
      delay.current = Math.min(delay.current * 2, MAX_REFRESH_MS);
    } finally {
      inFlight.current = false;
    }
    if (!alive.current) return;
    if (again.current) {
      again.current = false;
      timer.current = window.setTimeout(() => void tick(), SOON_MS);
    } else if (!document.hidden) {
      timer.current = window.setTimeout(() => void tick(), delay.current);
    }
  }, [loadFull]);

  // First read, then the refresh loop.
  useEffect(() => {
    alive.current = true;
    setState({ status: 'loading' });
    runsheetRef.current = null;
    loadFull().then(
      (runsheet) => {
        if (!alive.current) return;
        runsheetRef.current = runsheet;
        setState({ status: 'ready', runsheet });
        timer.current = window.setTimeout(() => void tick(), interval.current);
      },
      (error: unknown) => {
        if (alive.current) setState({ status: 'error', message: describeError(error) });
      },
    );
    return () => {
      alive.current = false;
      window.clearTimeout(timer.current);
    };
  }, [loadFull, tick, attempt]);

  // Hidden tab: no calls. Back in view: catch up at once, then the usual rhythm.
  useEffect(() => {
    const onVisibility = () => {
      if (document.hidden) window.clearTimeout(timer.current);
      else void tick();
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => document.removeEventListener('visibilitychange', onVisibility);
  }, [tick]);

  // "My steps": which steps the service counts as the caller's, read once in the background.
  const ready = state.status === 'ready';
  useEffect(() => {
    if (!ready) return;
    let current = true;
    loadRunsheet({ ...(JSON.parse(scopeKey) as typeof scope), mine: true }).then(
      (runsheet) => {
        if (!current) return;
        const ids = new Set<string>();
        for (const plan of runsheet.planInstances)
          for (const sequence of plan.sequences) for (const phase of sequence.phases) for (const step of phase.steps) ids.add(step.id);
        setMine(ids);
      },
      (error: unknown) => {
        if (current) setMineError(describeError(error));
      },
    );
    return () => {
      current = false;
    };
    // Read once per runsheet scope, not on every refresh.
  }, [ready, scopeKey]);

  const refreshSoon = useCallback(() => {
    if (inFlight.current) {
      again.current = true;
      return;
    }
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => void tick(), SOON_MS);
  }, [tick]);

  const retry = useCallback(() => setAttempt((value) => value + 1), []);

  return { state, refreshError, mine, mineError, retry, refreshSoon };
}

export function countSteps(runsheet: Runsheet): number {
  let count = 0;
  for (const plan of runsheet.planInstances) for (const sequence of plan.sequences) for (const phase of sequence.phases) count += phase.steps.length;
  return count;
}
