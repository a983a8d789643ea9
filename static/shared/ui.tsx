import type { ReactNode } from 'react';
import { styles } from './styles';

/** The frame every app renders: its heading, then its state. */
export function AppFrame({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main style={styles.frame}>
      <h1 style={styles.heading}>{title}</h1>
      {children}
    </main>
  );
}

export function LoadingState({ label = 'Loading…' }: { label?: string }) {
  return (
    <p role="status" aria-live="polite" style={styles.subtle}>
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
      <h2 style={styles.subheading}>{title}</h2>
      <p style={{ ...styles.subtle, marginBottom: 0 }}>{children}</p>
    </section>
  );
}
