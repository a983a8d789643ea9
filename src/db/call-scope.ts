import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The connections one call holds, so that a call whose deadline passed gives them up at once
 * instead of leaving them to a query that may never return (a database gone silent, a lock wait).
 * The UMIG service opens a scope per call; the PostgreSQL pool (client.ts) registers every
 * connection it hands out inside that scope.
 */

/** A connection held by a call: `abandon` closes it (its transaction is rolled back by the server). */
export interface HeldConnection {
  abandon(): void;
}

export class CallScope {
  private readonly held = new Set<HeldConnection>();
  private expiredFlag = false;

  get expired(): boolean {
    return this.expiredFlag;
  }

  /** Registers a connection; one taken after the deadline is abandoned at once. */
  hold(connection: HeldConnection): () => void {
    if (this.expiredFlag) {
      connection.abandon();
      return () => undefined;
    }
    this.held.add(connection);
    return () => void this.held.delete(connection);
  }

  /** The deadline passed: every connection still held is closed, and later ones too. */
  expire(): number {
    this.expiredFlag = true;
    const abandoned = [...this.held];
    this.held.clear();
    for (const connection of abandoned) connection.abandon();
    return abandoned.length;
  }
}

const storage = new AsyncLocalStorage<CallScope>();

/** Runs `work` with `scope` as the current call's scope (connections taken inside register with it). */
export function runInCallScope<T>(scope: CallScope, work: () => Promise<T>): Promise<T> {
  return storage.run(scope, work);
}

export function currentCallScope(): CallScope | undefined {
  return storage.getStore();
}
