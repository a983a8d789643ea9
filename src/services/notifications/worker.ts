import type { Db } from '../../db/client';
import { getConfig } from '../configuration/settings';
import { type DeliverOptions, type DeliveryReport, deliverOutbox } from './outbox';
import { type EmailTransport, type EmailTransportCredentials, transportFromSettings } from './transports';

/**
 * What the UMIG service runs on a timer: deliver the due emails with the transport the settings
 * choose. While the setting email.enabled is false nothing is sent (and nothing new is enqueued).
 */
export async function deliverDueEmails(
  db: Db,
  options: DeliverOptions & { transport?: EmailTransport; credentials?: EmailTransportCredentials } = {},
): Promise<DeliveryReport> {
  if (!(await getConfig(db, null, 'email.enabled'))) return { claimed: 0, sent: 0, retrying: 0, failed: 0 };
  const transport = options.transport ?? (await transportFromSettings(db, options.credentials));
  try {
    return await deliverOutbox(db, transport, options);
  } finally {
    if (!options.transport) await transport.close?.();
  }
}

export interface OutboxWorker {
  /** Stops the timer and waits for a round in progress. */
  stop(): Promise<void>;
}

/**
 * Runs deliverDueEmails every intervalMs, never two rounds at once in this process (other
 * instances may run theirs: the claim keeps them apart). Errors go to logError and the next round
 * runs as usual.
 */
export function startOutboxWorker(db: Db, options: { intervalMs?: number; logError?: (error: unknown) => void } = {}): OutboxWorker {
  let running: Promise<unknown> | undefined;
  const round = () => {
    if (running) return;
    running = deliverDueEmails(db)
      .catch((error: unknown) => options.logError?.(error))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(round, options.intervalMs ?? 30_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
