import { eq } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { statuses } from '../../db/schema';
import { domainError } from '../../domain/errors';
import { findCycle } from '../../domain/execution/scheduling';
import type { StatusKind } from '../../domain/statuses';

/** Rules several admin entities share. Each throws a domain error with a sentence to act on. */

/** `status_sts` has one FK for every kind, so a phase could point at a step status; refuse that. */
export async function expectStatusKind(tx: Tx, statusId: number | null | undefined, kind: StatusKind): Promise<void> {
  if (statusId == null) return;
  const [status] = await tx.select({ name: statuses.name, type: statuses.type }).from(statuses).where(eq(statuses.id, statusId));
  if (!status) throw domainError('NOT_FOUND', `Status with id ${statusId} does not exist.`);
  if (status.type !== kind) {
    throw domainError(
      'VALIDATION',
      `Status "${status.name}" is a ${status.type.toLowerCase()} status; choose one of the ${kind.toLowerCase()} statuses.`,
    );
  }
}

export function expectDateOrder(start: string | null | undefined, end: string | null | undefined, what = 'end date'): void {
  if (start && end && end < start) throw domainError('VALIDATION', `The ${what} (${end}) is before the start date (${start}).`);
}

export interface ChainNode {
  id: string;
  predecessorId: string | null;
}

/**
 * Refuses a predecessor that would close a circle (A waits for B waits for A), using the domain's
 * cycle detection on the chain as it would be after the change.
 */
export function expectNoCycle(nodes: readonly ChainNode[], describe: (id: string) => string, noun: string): void {
  const cycle = findCycle(nodes.filter((node) => node.predecessorId !== null).map((node) => ({ from: node.id, to: node.predecessorId! })));
  if (cycle) {
    throw domainError('VALIDATION', `That predecessor would make the ${noun}s wait for each other in a circle: ${cycle.map(describe).join(' → ')}.`, {
      cycle,
    });
  }
}

/** The chain with one node's predecessor replaced, that node first so a circle is told from it. */
export function withPredecessor(nodes: readonly ChainNode[], id: string, predecessorId: string | null): ChainNode[] {
  return [{ id, predecessorId }, ...nodes.filter((node) => node.id !== id)];
}
