import { randomBytes } from 'node:crypto';

/**
 * The iframes the host has put on a page. Like Confluence, the host — not the app — knows which
 * module and macro instance a frame shows and who is looking at it: every bridge call from a frame
 * names its frame id, and the host answers from this record. A frame id is an unguessable random
 * string; the app never sends an account id or a module key of its own.
 */

export type FrameKind = 'macro' | 'macro-config' | 'global-page';

export interface Frame {
  id: string;
  /** The page view the frame belongs to: the unit of the bridge rate limit. */
  pageViewId: string;
  kind: FrameKind;
  moduleKey: string;
  resource: string;
  /** The macro instance (view and config frames) or the page module's own id. */
  localId: string;
  /** The user viewing the page when the frame was created (Confluence's session, here a cookie). */
  accountId: string | undefined;
  colorMode: 'light' | 'dark';
  /** Origin of the page embedding the frame: the only target of the frame's messages. */
  pageOrigin: string;
  /** URL of the page, for context.extension.location. */
  pageUrl: string;
  createdAt: number;
}

/** Frames are kept for a working day; a page open longer than that is asked to reload. */
const FRAME_TTL_MS = 12 * 60 * 60 * 1000;
const MAX_FRAMES = 10_000;

export const newId = (bytes = 16) => randomBytes(bytes).toString('base64url');

export class FrameRegistry {
  private readonly frames = new Map<string, Frame>();

  create(frame: Omit<Frame, 'id' | 'createdAt'>): Frame {
    this.prune();
    const created: Frame = { ...frame, id: newId(), createdAt: Date.now() };
    this.frames.set(created.id, created);
    return created;
  }

  get(id: string): Frame | undefined {
    const frame = this.frames.get(id);
    if (frame && Date.now() - frame.createdAt > FRAME_TTL_MS) {
      this.frames.delete(id);
      return undefined;
    }
    return frame;
  }

  private prune(): void {
    if (this.frames.size < MAX_FRAMES) return;
    // Oldest first: Map keeps insertion order.
    for (const id of [...this.frames.keys()].slice(0, Math.ceil(MAX_FRAMES / 10))) this.frames.delete(id);
  }
}

/**
 * Forge's bridge limit: 500 resolver invocations per 25 seconds per page. @forge/bridge counts
 * invoke() calls in the frame, but invokeRemote() builds a new counter on every call, so for the
 * remote calls this app makes only the host's count holds. The host counts every frame of a page
 * view together, as Confluence does, and refuses the 501st call with the bridge's own sentence.
 */
export const BRIDGE_RATE_LIMIT = { calls: 500, windowMs: 25_000 } as const;

export class PageRateLimiter {
  private readonly calls = new Map<string, number[]>();

  constructor(private readonly limit: { calls: number; windowMs: number } = BRIDGE_RATE_LIMIT) {}

  /** Records a call; false when the page view is over its limit (the call is then not made). */
  take(pageViewId: string, now = Date.now()): boolean {
    const since = now - this.limit.windowMs;
    const recent = (this.calls.get(pageViewId) ?? []).filter((at) => at > since);
    if (recent.length >= this.limit.calls) {
      this.calls.set(pageViewId, recent);
      return false;
    }
    recent.push(now);
    this.calls.set(pageViewId, recent);
    if (this.calls.size > 1_000) {
      for (const [id, times] of this.calls) if (times.every((at) => at <= since)) this.calls.delete(id);
    }
    return true;
  }
}
