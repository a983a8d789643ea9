/*
 * UMIG local host: the Custom UI bridge, for the apps' production builds running outside Confluence.
 *
 * In Confluence, Forge adds a script to every Custom UI page that defines
 * globalThis.__bridge.callBridge(command, args); @forge/bridge (view.getContext, invokeRemote,
 * view.submit, view.theme.enable…) is a thin layer over it. The local host adds this file to each
 * app's index.html, before the app's own module script, and answers the same commands:
 *
 *   getContext         the frame's context, from the host (module, macro config, account, theme…)
 *   invoke             invokeRemote (invokeType 'ui-remote-fetch'): the host signs a Forge
 *                      Invocation Token for the page's user and calls the UMIG service
 *   fetchProduct       requestConfluence: the Confluence user APIs UMIG uses (current user, user
 *                      search by name), answered from the host's user directory
 *   submit / close     the macro config dialog: save the config and close, or just close
 *   enableTheming      data-color-mode / data-theme on <html> and the Atlaskit token stylesheet
 *   showFlag, closeFlag, emit, on, navigate, reload, refresh, changeWindowTitle, createHistory…
 *
 * Anything else is refused with a console warning naming the command. The frame never says who
 * the user is: it names its frame id (from its URL) and the host, like Confluence, knows the rest.
 * Rate limit: the host counts the resolver calls of all frames of a page (500 per 25 s, Forge's
 * bridge limit) and refuses the next one with the bridge's own message.
 *
 * Written as a plain browser script, served as a file (the apps' content security policy allows
 * no inline script), so what runs is exactly what is read here.
 */
/* global window, document, location, ResizeObserver, MutationObserver */
(function installBridge() {
  'use strict';
  if (window.__bridge) return;

  const SOURCE = 'umig-local-bridge';
  const frameId = new URLSearchParams(location.search).get('frame');
  const base = `/__umig/frames/${encodeURIComponent(frameId || 'none')}`;
  const subscriptions = new Map();
  const closeHandlers = [];
  let infoPromise;
  let themeLink;

  async function request(method, suffix, body) {
    if (!frameId) {
      throw new Error('This app was opened on its own, outside the UMIG local host page. Open the page the host printed at start.');
    }
    const response = await fetch(base + suffix, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
    const text = await response.text();
    let data;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = undefined;
    }
    if (!response.ok) throw new Error((data && data.message) || `The local host refused the bridge call (HTTP ${response.status}).`);
    return data;
  }

  /** The frame's record at the host: context, page origin, what the frame may do. Read once. */
  function info() {
    if (!infoPromise) infoPromise = request('GET', '');
    return infoPromise;
  }

  /** A message to the page, which runs on another origin: postMessage only, to that origin only. */
  async function toPage(type, fields) {
    const { pageOrigin } = await info();
    window.parent.postMessage({ source: SOURCE, frameId, type, ...fields }, pageOrigin);
  }

  function applyTheme(colorMode) {
    const root = document.documentElement;
    root.setAttribute('data-theme', 'dark:dark light:light shape:shape spacing:spacing typography:typography');
    root.setAttribute('data-color-mode', colorMode === 'dark' ? 'dark' : 'light');
    if (themeLink) return themeLink;
    themeLink = new Promise((resolve) => {
      const link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = '/__umig/tokens.css';
      link.dataset.umigTokens = 'true';
      link.onload = () => resolve();
      link.onerror = () => {
        console.warn('UMIG local host: the design token stylesheet did not load; the apps keep their fallback colours.');
        resolve();
      };
      document.head.appendChild(link);
    });
    return themeLink;
  }

  /** Forge's createHistory keeps the module's route in Confluence's URL; here it lives in memory. */
  function createHistory() {
    const listeners = new Set();
    const entries = [{ pathname: '/', search: '', hash: '', state: undefined, key: 'default' }];
    let index = 0;
    const parse = (to, state) => {
      const url = new URL(typeof to === 'string' ? to : `${to.pathname || '/'}${to.search || ''}${to.hash || ''}`, 'http://history.local');
      return { pathname: url.pathname, search: url.search, hash: url.hash, state, key: Math.random().toString(36).slice(2, 10) };
    };
    const history = {
      action: 'POP',
      get location() {
        return entries[index];
      },
      get length() {
        return entries.length;
      },
      push(to, state) {
        entries.splice(index + 1, entries.length, parse(to, state));
        index = entries.length - 1;
        history.action = 'PUSH';
        listeners.forEach((listener) => listener(entries[index], 'PUSH'));
      },
      replace(to, state) {
        entries[index] = parse(to, state);
        history.action = 'REPLACE';
        listeners.forEach((listener) => listener(entries[index], 'REPLACE'));
      },
      go(delta) {
        const next = Math.min(Math.max(index + delta, 0), entries.length - 1);
        if (next === index) return;
        index = next;
        history.action = 'POP';
        listeners.forEach((listener) => listener(entries[index], 'POP'));
      },
      back() {
        history.go(-1);
      },
      forward() {
        history.go(1);
      },
      listen(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      block() {
        return () => undefined;
      },
      createHref(to) {
        return typeof to === 'string' ? to : `${to.pathname || '/'}${to.search || ''}${to.hash || ''}`;
      },
    };
    return history;
  }

  function subscribe(args) {
    const event = args && args.event;
    const callback = args && args.callback;
    if (typeof event !== 'string' || typeof callback !== 'function') throw new Error('events.on needs an event name and a callback.');
    if (!subscriptions.has(event)) subscriptions.set(event, new Set());
    subscriptions.get(event).add(callback);
    return { unsubscribe: () => subscriptions.get(event).delete(callback) };
  }

  const commands = {
    getContext: async () => structuredClone((await info()).context),
    invoke: (args) => request('POST', '/invoke', args || {}),
    // requestConfluence: the host answers the user APIs from its directory, for the frame's user.
    fetchProduct: (args) => request('POST', '/product', args || {}),
    submit: async (payload) => {
      if (!(await info()).submittable) return false;
      await request('POST', '/submit', payload || {});
      await toPage('submitted', {});
      return true;
    },
    close: async () => {
      if (!(await info()).closable) return false;
      closeHandlers.forEach((handler) => handler());
      await toPage('close', {});
      return true;
    },
    onClose: async (handler) => {
      if (typeof handler === 'function') closeHandlers.push(handler);
      return (await info()).closable;
    },
    open: async () => false,
    refresh: async () => {
      location.reload();
      return true;
    },
    enableTheming: async () => {
      await applyTheme((await info()).colorMode);
    },
    changeWindowTitle: async (title) => toPage('title', { title: String(title) }),
    emitReadyEvent: async () => undefined,
    getFrameId: async () => frameId,
    createHistory: async () => createHistory(),
    showFlag: async (flag) => toPage('flag', { flag: JSON.parse(JSON.stringify(flag || {})) }),
    closeFlag: async (args) => toPage('closeFlag', { id: args && args.id }),
    emit: async (args) => toPage('emit', { event: args && args.event, payload: args && args.payload }),
    emitPublic: async (args) => toPage('emit', { event: args && args.event, payload: args && args.payload }),
    on: async (args) => subscribe(args),
    onPublic: async (args) => subscribe(args),
    navigate: async (args) => {
      if (!args || typeof args.url !== 'string') throw new Error('The local host can only navigate to a URL; navigation targets exist only in Confluence.');
      await toPage('navigate', { url: args.url, newTab: args.type === 'new-tab' });
    },
    reload: async () => toPage('reload', {}),
  };

  window.__bridge = {
    callBridge(command, args) {
      const run = Object.prototype.hasOwnProperty.call(commands, command) ? commands[command] : undefined;
      if (!run) {
        console.warn(`UMIG local host: the bridge command "${command}" is not emulated here; it works only in Confluence.`);
        return Promise.reject(new Error(`The bridge command "${command}" is not available on the UMIG local host.`));
      }
      return Promise.resolve().then(() => run(args));
    },
  };

  // Events from the other frames of the page, relayed by the page.
  window.addEventListener('message', (event) => {
    const data = event.data;
    if (!data || data.source !== 'umig-local-host' || event.source !== window.parent) return;
    info().then(({ pageOrigin }) => {
      if (event.origin !== pageOrigin) return;
      if (data.type === 'event') (subscriptions.get(data.event) || []).forEach((callback) => callback(data.payload));
    });
  });

  // The page sizes the iframe to its content, as Confluence does for macros. DOM changes are
  // watched as well as sizes: Chromium pauses rendering (and so ResizeObserver) in cross-origin
  // frames scrolled out of view, and a frame that cannot report its height stays clipped.
  let reported = -1;
  let pending;
  const reportHeight = () => {
    pending = undefined;
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === reported) return;
    reported = height;
    toPage('resize', { height }).catch(() => undefined);
  };
  const scheduleReport = () => {
    if (pending === undefined) pending = setTimeout(reportHeight, 30);
  };
  if (frameId) {
    if (typeof ResizeObserver === 'function') new ResizeObserver(scheduleReport).observe(document.documentElement);
    new MutationObserver(scheduleReport).observe(document.documentElement, { subtree: true, childList: true, attributes: true, characterData: true });
    window.addEventListener('load', scheduleReport);
  }
})();
