/**
 * Timing marks the browser tests read: `window.__umigPerf` collects entries, and the latest
 * figures sit on <body> as data attributes (data-umig-interactive-ms, data-umig-render-ms).
 * Cheap enough to keep in production builds; nothing is sent anywhere.
 */

export interface PerfEntry {
  name: string;
  ms: number;
  at: number;
  detail?: Record<string, unknown>;
}

declare global {
  interface Window {
    __umigPerf?: PerfEntry[];
  }
}

export function recordPerf(name: string, ms: number, detail?: Record<string, unknown>): void {
  const entry: PerfEntry = { name, ms: Math.round(ms * 10) / 10, at: Math.round(performance.now()), ...(detail ? { detail } : {}) };
  (window.__umigPerf ??= []).push(entry);
  if (window.__umigPerf.length > 200) window.__umigPerf.splice(0, window.__umigPerf.length - 200);
}

/** Runs `done` once the frame that shows the current commit has been painted. */
export function afterPaint(done: () => void): void {
  requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => done();
    channel.port2.postMessage(undefined);
  });
}
