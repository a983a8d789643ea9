import { useEffect, useId, useState, type CSSProperties, type ReactNode } from 'react';
import { look } from './look';
import { styles } from './styles';

/**
 * The frame every app renders: its heading, then its state.
 *
 * A macro sits inside a Confluence page, which has its own `main` and `h1`: the macro is a named
 * region (`section` labelled by its `h2`) and its parts use h3 and below. Only a full-page module
 * (the administration page, `page`) is the page's `main` with an `h1`.
 */
export function AppFrame({ title, children, page = false }: { title: string; children: ReactNode; page?: boolean }) {
  const headingId = useId();
  if (page) {
    return (
      <main style={styles.frame} className="umig-frame">
        <h1 style={styles.heading}>{title}</h1>
        {children}
      </main>
    );
  }
  return (
    <section style={styles.frame} aria-labelledby={headingId} className="umig-frame">
      <h2 id={headingId} style={styles.heading}>
        {title}
      </h2>
      {children}
    </section>
  );
}

/**
 * What is loading. Not a live region: it appears with its text already in it (a screen reader
 * reads it with the rest of the new content); what changes later is announced by regions that were
 * on the page before (see LiveText).
 */
export function LoadingState({ label = 'Loading…' }: { label?: string }) {
  return (
    <p style={styles.subtle} data-loading="true">
      {label}
    </p>
  );
}

/** A failure, in a sentence the reader can act on. */
export function ErrorState({ message }: { message: string }) {
  return (
    <div role="alert" style={styles.error}>
      {message}
    </div>
  );
}

/** Nothing to show yet, and what to do about it. */
export function EmptyState({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section style={styles.panel} aria-label={title}>
      <h3 style={styles.subheading}>{title}</h3>
      <p style={{ ...styles.subtle, marginBottom: 0 }}>{children}</p>
    </section>
  );
}

/** `value`, once it has stayed the same for `delayMs` (what a live region announces while someone types). */
export function useSettledValue<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), delayMs);
    return () => window.clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}

/**
 * A polite live region that is on the page before its text changes (a region inserted with its
 * text already in it is not announced reliably). Visually hidden unless `style` is given.
 */
export function LiveText({ text, style, testId }: { text: string | undefined; style?: CSSProperties; testId?: string }) {
  return (
    <p role="status" aria-live="polite" style={text && style ? style : look.visuallyHidden} data-testid={testId}>
      {text}
    </p>
  );
}

