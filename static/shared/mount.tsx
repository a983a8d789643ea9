import { StrictMode, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { enableTheming } from './forge';
import './base.css';

/** Starts an app: follows Confluence's theme and renders into index.html's #root. */
export function mountApp(app: ReactNode): void {
  enableTheming();
  const container = document.getElementById('root');
  if (!container) throw new Error('index.html has no element with id "root".');
  createRoot(container).render(<StrictMode>{app}</StrictMode>);
}
