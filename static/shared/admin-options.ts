import { useEffect, useState, useSyncExternalStore } from 'react';
import type { AdminEntityKey } from './admin-api';
import { describeError } from './bridge';

/**
 * Choices fed by the list resolvers (teams, users, statuses of a kind…), for form selects and for
 * showing names instead of ids in tables. Loaded once per page and shared; a change to an entity
 * drops every source built on it, and the components showing them load again.
 */

export type OptionValue = string | number;

export interface Option {
  value: OptionValue;
  /** What a select shows. */
  label: string;
  /** What a table cell shows, when shorter than the label (a step's code without its name). */
  short?: string;
}

export interface OptionSource {
  /** Unique per source and scope ('masterSequences?planId=…'). */
  key: string;
  /** The entities whose changes make these options stale. */
  entities: readonly AdminEntityKey[];
  load(): Promise<Option[]>;
}

type Listener = () => void;

class OptionCache {
  private readonly entries = new Map<string, { source: OptionSource; promise: Promise<Option[]> }>();
  private readonly listeners = new Set<Listener>();
  private generation = 0;

  get(source: OptionSource): Promise<Option[]> {
    const entry = this.entries.get(source.key);
    if (entry) return entry.promise;
    const promise = source.load();
    this.entries.set(source.key, { source, promise });
    // A failure is not kept: the next reader tries again.
    promise.catch(() => {
      if (this.entries.get(source.key)?.promise === promise) this.entries.delete(source.key);
    });
    return promise;
  }

  /** Forgets every source built on `entity` and tells the readers. */
  invalidate(entity: AdminEntityKey): void {
    for (const [key, entry] of this.entries) if (entry.source.entities.includes(entity)) this.entries.delete(key);
    this.generation += 1;
    for (const listener of this.listeners) listener();
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): number => this.generation;
}

export const optionCache = new OptionCache();

export type OptionsState =
  | { status: 'idle'; options: Option[] }
  | { status: 'loading'; options: Option[] }
  | { status: 'ready'; options: Option[] }
  | { status: 'error'; options: Option[]; message: string };

const EMPTY: Option[] = [];

/** The options of a source (none when `source` is undefined), reloaded when they go stale. */
export function useOptions(source: OptionSource | undefined): OptionsState {
  const generation = useSyncExternalStore(optionCache.subscribe, optionCache.snapshot);
  const [state, setState] = useState<OptionsState>({ status: source ? 'loading' : 'idle', options: EMPTY });
  const key = source?.key;
  useEffect(() => {
    if (!source) {
      setState({ status: 'idle', options: EMPTY });
      return;
    }
    let current = true;
    setState((previous) => ({ status: 'loading', options: previous.options }));
    optionCache.get(source).then(
      (options) => {
        if (current) setState({ status: 'ready', options });
      },
      (error: unknown) => {
        if (current) setState({ status: 'error', options: EMPTY, message: describeError(error) });
      },
    );
    return () => {
      current = false;
    };
    // The key names the source: a new object for the same key is the same source.
  }, [key, generation]);
  return state;
}

/** A value as text: strings, numbers and booleans as they are, anything else as JSON. */
export function textOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? '';
}

/** Label of a value among options, or the value itself when it is not (or not yet) known. */
export function labelOf(options: readonly Option[], value: unknown, form: 'label' | 'short' = 'label'): string {
  if (value === null || value === undefined || value === '') return '';
  const option = options.find((candidate) => candidate.value === value);
  if (!option) return textOf(value);
  return form === 'short' ? (option.short ?? option.label) : option.label;
}

/**
 * The options of several sources at once (a table's columns), by source key. A source that fails
 * to load is left out: its column shows the raw values rather than blocking the table.
 */
export function useOptionSets(sources: ReadonlyArray<OptionSource | undefined>): ReadonlyMap<string, Option[]> {
  const generation = useSyncExternalStore(optionCache.subscribe, optionCache.snapshot);
  const [sets, setSets] = useState<ReadonlyMap<string, Option[]>>(new Map());
  const present = sources.filter((source): source is OptionSource => source !== undefined);
  const keys = [...new Set(present.map((source) => source.key))].sort().join('\n');
  useEffect(() => {
    let current = true;
    const unique = [...new Map(present.map((source) => [source.key, source])).values()];
    void Promise.all(
      unique.map((source) =>
        optionCache.get(source).then(
          (options) => [source.key, options] as const,
          (error: unknown) => {
            console.warn(`UMIG: could not load the choices ${source.key}`, error);
            return undefined;
          },
        ),
      ),
    ).then((loaded) => {
      if (current) setSets(new Map(loaded.filter((entry): entry is readonly [string, Option[]] => entry !== undefined)));
    });
    return () => {
      current = false;
    };
    // `keys` names the sources; `present` is rebuilt on every render.
  }, [keys, generation]);
  return sets;
}
