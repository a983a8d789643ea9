import type { DemoAccount, DemoFocus } from './host-state';
import { THEME_ATTRIBUTE } from './tokens';

/**
 * The HTML of the Confluence-like pages the local host serves: a page with the UMIG macros and
 * the UMIG administration page (confluence:globalSettings). Rendered on the server with every
 * value escaped; the only scripts are files (/__umig/host-page.js), as the page's own content
 * security policy allows no inline script.
 */

class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return escapeHtml(String(value));
  throw new TypeError('html`…` interpolates strings, numbers, arrays and SafeHtml only.');
}

/** A template whose interpolations are escaped unless they are SafeHtml themselves. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  return new SafeHtml(strings.reduce((out, text, index) => out + text + (index < values.length ? render(values[index]) : ''), ''));
}

/** Account id the switcher offers to show what an unregistered Confluence user gets. */
export const UNREGISTERED_ACCOUNT_ID = '557058:00000000-0000-4000-8000-unregistered';

export const PAGE_PATH = '/wiki/spaces/CBM/pages/1001';
export const ADMIN_PATH = '/wiki/admin/umig';
export const SPACE = { id: '98305', key: 'CBM' };
export const PAGE_ID = '1001';

export interface MacroView {
  moduleKey: string;
  title: string;
  localId: string;
  frameId: string;
  src: string;
  heading: string;
  intro: string;
  /** Set when the macro has a config dialog: the dialog's frame and title. */
  config?: { src: string; frameId: string; title: string };
}

export interface ChromeView {
  colorMode: 'light' | 'dark';
  accounts: DemoAccount[];
  /** Confluence people beside the demo accounts (a newcomer, a site administrator new to UMIG). */
  people?: Array<{ accountId: string; label: string; name: string }>;
  accountId: string | undefined;
  /** Path of this page, where the switches come back to. */
  path: string;
  appsOrigin: string;
  spaceName: string;
  /** A sentence shown above the page when something needs the developer's attention. */
  notice?: string;
}

const SANDBOX = 'allow-downloads allow-forms allow-modals allow-pointer-lock allow-same-origin allow-scripts';
const FEATURES = 'camera; clipboard-write; display-capture; fullscreen; microphone';

function initials(name: string): string {
  return name
    .split(/\s+/)
    .map((part) => part[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
}

function userSwitcher(view: ChromeView) {
  const current = view.accounts.find((account) => account.accountId === view.accountId);
  const person = view.people?.find((candidate) => candidate.accountId === view.accountId);
  const demo = new Set(view.accounts.map((account) => account.accountId));
  const options = [
    ...view.accounts.map((account) => ({ value: account.accountId, label: `${account.name} (${account.role})` })),
    ...(view.people ?? []).filter((candidate) => !demo.has(candidate.accountId)).map((candidate) => ({ value: candidate.accountId, label: candidate.label })),
    { value: UNREGISTERED_ACCOUNT_ID, label: 'Unregistered Confluence user' },
  ];
  if (view.accountId && !options.some((option) => option.value === view.accountId)) {
    options.push({ value: view.accountId, label: `Account ${view.accountId}` });
  }
  return html`
    <form class="user-switch" method="get" action="/__umig/switch">
      <input type="hidden" name="to" value="${view.path}">
      <label for="user-switcher">Viewing as</label>
      <select id="user-switcher" name="as" data-testid="user-switcher">
        ${options.map((option) => html`<option value="${option.value}"${option.value === view.accountId ? html` selected` : ''}>${option.label}</option>`)}
      </select>
      <noscript><button type="submit" class="button">Switch</button></noscript>
    </form>
    <span class="avatar" title="${current ? `${current.name}, ${current.role}` : (person?.label ?? 'Unregistered user')}" aria-hidden="true">${current ? initials(current.name) : person ? initials(person.name) : '?'}</span>`;
}

function chrome(view: ChromeView, title: string, body: SafeHtml, active: 'page' | 'admin'): string {
  const otherMode = view.colorMode === 'dark' ? 'light' : 'dark';
  return `<!doctype html>${html`
<html lang="en" data-color-mode="${view.colorMode}" data-theme="${THEME_ATTRIBUTE}">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <link rel="icon" href="data:,">
    <title>${title} - ${view.spaceName} - Confluence (UMIG local host)</title>
    <link rel="stylesheet" href="/__umig/tokens.css">
    <link rel="stylesheet" href="/__umig/host-page.css">
    <script src="/__umig/host-page.js" defer></script>
  </head>
  <body data-apps-origin="${view.appsOrigin}">
    <a class="skip-link" href="#main">Skip to content</a>
    <header class="topnav">
      <a class="product" href="/"><span class="product-logo" aria-hidden="true"></span><span class="product-name">Confluence</span></a>
      <nav class="topnav-links" aria-label="Local host">
        <a href="${PAGE_PATH}"${active === 'page' ? html` aria-current="page"` : ''}>Runsheet page</a>
        <a href="${ADMIN_PATH}" data-testid="admin-link"${active === 'admin' ? html` aria-current="page"` : ''}>UMIG administration</a>
      </nav>
      <span class="local-badge" title="A local stand-in for Confluence: real app builds, a local bridge and locally signed calls.">Local host</span>
      <div class="topnav-tools">
        <form class="theme-switch" method="get" action="/__umig/switch">
          <input type="hidden" name="to" value="${view.path}">
          <button type="submit" class="button subtle" name="theme" value="${otherMode}" data-testid="theme-switch">${otherMode === 'dark' ? 'Dark theme' : 'Light theme'}</button>
        </form>
        ${userSwitcher(view)}
      </div>
    </header>
    ${view.notice ? html`<div class="notice" role="status">${view.notice}</div>` : ''}
    ${body}
    <div class="modal-backdrop" id="config-dialog" hidden>
      <div class="modal" role="dialog" aria-modal="true" aria-labelledby="config-dialog-title">
        <div class="modal-header">
          <h2 id="config-dialog-title">Macro settings</h2>
          <button type="button" class="button subtle modal-close" aria-label="Close the dialog">Close</button>
        </div>
        <iframe class="modal-frame" title="Macro settings" sandbox="${SANDBOX}" allow="${FEATURES}"></iframe>
      </div>
    </div>
    <div class="flags" id="flags" aria-live="polite"></div>
  </body>
</html>`.text}`;
}

function frame(src: string, frameId: string, title: string, testId: string) {
  return html`<iframe class="app-frame" src="${src}" title="${title}" data-frame-id="${frameId}" data-testid="${testId}" sandbox="${SANDBOX}" allow="${FEATURES}"></iframe>`;
}

function sidebar(view: ChromeView, active: 'page' | 'admin') {
  if (active === 'admin') {
    return html`
      <nav class="sidebar" aria-label="Administration">
        <p class="sidebar-title">Confluence administration</p>
        <ul class="tree">
          <li><span class="tree-item muted">General configuration</span></li>
          <li><span class="tree-item muted">Security</span></li>
          <li class="tree-group">Apps</li>
          <li><a class="tree-item" href="${ADMIN_PATH}" aria-current="page">UMIG administration</a></li>
        </ul>
      </nav>`;
  }
  return html`
    <nav class="sidebar" aria-label="Space">
      <div class="space">
        <span class="space-icon" aria-hidden="true">${initials(view.spaceName)}</span>
        <span class="space-name">${view.spaceName}</span>
      </div>
      <ul class="tree">
        <li><span class="tree-item muted">Overview</span></li>
        <li class="tree-group">Cutover runsheets</li>
        <li><a class="tree-item" href="${PAGE_PATH}" aria-current="page">Runsheet</a></li>
        <li><span class="tree-item muted">Go/no-go criteria</span></li>
        <li><span class="tree-item muted">Contact list</span></li>
      </ul>
    </nav>`;
}

export interface RunsheetPageView extends ChromeView {
  focus: DemoFocus | undefined;
  owner: DemoAccount | undefined;
  macros: MacroView[];
}

export function renderRunsheetPage(view: RunsheetPageView): string {
  const iteration = view.focus?.iterationName ?? 'Iteration';
  const title = `${iteration}: cutover runsheet`;
  const body = html`
    <div class="layout">
      ${sidebar(view, 'page')}
      <main class="content" id="main">
        <nav class="breadcrumbs" aria-label="Breadcrumbs"><span>${view.spaceName}</span><span aria-hidden="true">/</span><span>Cutover runsheets</span></nav>
        <h1 class="page-title" data-testid="page-title">${title}</h1>
        <p class="byline">${view.owner ? `Owned by ${view.owner.name}` : 'Owned by the cutover team'} · Last updated today · Page ${PAGE_ID}</p>
        <div class="page-body">
          <p>This page is where ${iteration} runs. Every team executes its steps from the runsheet below; the pilots follow the progress, unblock steps and hold the go/no-go calls from the bridge.</p>
          <div class="panel info" role="note"><strong>Bridge call</strong> Open all weekend; join before your first step starts and announce each step as you finish it.</div>
          ${view.macros.map(
            (macro) => html`
              <h2>${macro.heading}</h2>
              <p>${macro.intro}</p>
              <div class="macro" data-module-key="${macro.moduleKey}" data-local-id="${macro.localId}">
                <div class="macro-toolbar">
                  <span class="macro-label">${macro.title}</span>
                  ${
                    macro.config
                      ? html`<button type="button" class="button subtle macro-edit" data-testid="edit-${macro.moduleKey}" data-config-src="${macro.config.src}" data-config-title="${macro.config.title}" data-local-id="${macro.localId}">Edit macro</button>`
                      : ''
                  }
                </div>
                ${frame(macro.src, macro.frameId, macro.title, `frame-${macro.moduleKey}`)}
              </div>`,
          )}
        </div>
      </main>
    </div>`;
  return chrome(view, title, body, 'page');
}

export interface AdminPageView extends ChromeView {
  module: { key: string; title: string; src: string; frameId: string } | undefined;
  /** The viewer is not a Confluence site administrator: Confluence would not show the page. */
  refused?: boolean;
}

export function renderAdminPage(view: AdminPageView): string {
  const title = view.module?.title ?? 'UMIG administration';
  const body = html`
    <div class="layout">
      ${sidebar(view, 'admin')}
      <main class="content wide" id="main">
        <h1 class="page-title" data-testid="page-title">${title}</h1>
        ${
          view.refused
            ? html`<div class="panel warning" role="alert" data-testid="admin-page-refused"><strong>You need Confluence administrator permission</strong> Confluence shows app administration pages to site administrators only. Switch to a site administrator to open UMIG administration.</div>`
            : view.module
              ? frame(view.module.src, view.module.frameId, title, `frame-${view.module.key}`)
              : html`<p>manifest.yml declares no confluence:globalSettings module.</p>`
        }
      </main>
    </div>`;
  return chrome(view, title, body, 'admin');
}

/** Shown while the host opens the database and builds the apps; reloads itself. */
export function renderStartingPage(message: string): string {
  return `<!doctype html>${html`
<html lang="en">
  <head><meta charset="utf-8"><meta http-equiv="refresh" content="2"><title>UMIG local host is starting</title></head>
  <body><p>${message}</p></body>
</html>`.text}`;
}
