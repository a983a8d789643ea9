import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { LocalIssuer } from '../server/dev-issuer';
import { BridgeRefusal, contextOf, forwardInvoke, type InvocationRecord } from './bridge';
import { type Frame, type FrameKind, FrameRegistry, PageRateLimiter, BRIDGE_RATE_LIMIT, newId } from './frames';
import { answerProductRequest, NEW_PERSON, SITE_ADMINISTRATOR, type Directory } from './directory';
import type { DemoAccount, HostStateStore } from './host-state';
import type { AppManifest, UiModule } from './manifest';
import {
  ADMIN_PATH,
  PAGE_PATH,
  UNREGISTERED_ACCOUNT_ID,
  renderAdminPage,
  renderRunsheetPage,
  renderStartingPage,
  type ChromeView,
  type MacroView,
} from './pages';

/**
 * The local host's HTTP server: the Confluence-like pages, the apps' built files with the bridge
 * shim added, and the endpoints the shim calls. One server answers on two origins (localhost and
 * 127.0.0.1 on the same port): the page on the one the browser opened, the app frames on the
 * other, so that the apps run cross-origin from their page as they do in Confluence and can only
 * talk to it through the bridge.
 */

export interface HostRuntime {
  manifest: AppManifest;
  state: HostStateStore;
  issuer: LocalIssuer;
  /** remote key -> base URL of the service serving it. */
  remotes: Map<string, string>;
  accounts: DemoAccount[];
  /** The site's Confluence users: site administrators, requestConfluence's user APIs, the switcher's newcomers. */
  directory: Directory;
  /** Account of a visitor who has not picked one. */
  defaultAccountId: string | undefined;
  tokensCss: string;
  /** 'enforce' sends Forge's policy as Content-Security-Policy; 'report-only' only reports breaches. */
  csp: 'enforce' | 'report-only';
  /** Every invokeRemote call, newest last (bounded). */
  invocations: InvocationRecord[];
  onInvocation?: (record: InvocationRecord) => void;
  notice?: string;
}

export interface HostServerOptions {
  /** Host names (without port) accepted in the Host header besides localhost, 127.0.0.1 and [::1]. */
  allowedHosts?: string[];
}

const PUBLIC_DIR = path.join(__dirname, 'public');
const PUBLIC_FILES: Record<string, string> = {
  '/__umig/bridge-shim.js': 'bridge-shim.js',
  '/__umig/host-page.js': 'host-page.js',
  '/__umig/host-page.css': 'host-page.css',
};
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};
const MAX_INVOCATION_RECORDS = 500;
const MAX_CONFIG_BYTES = 32 * 1024;
const ACCOUNT_COOKIE = 'umig_account';
const THEME_COOKIE = 'umig_theme';
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const CSP_KEYWORDS = new Set(['unsafe-inline', 'unsafe-eval', 'unsafe-hashes', 'wasm-unsafe-eval', 'strict-dynamic', 'self', 'none']);

/** What each macro explains on the page, by module key; other modules get their manifest title. */
const MACRO_TEXT: Record<string, { heading: string; intro: string }> = {
  'umig-runsheet': { heading: 'Runsheet', intro: 'Sequences, phases and steps of the rehearsal, with what is done, running and next.' },
  'umig-step-view': { heading: 'Step in progress', intro: 'The step the bridge call is on: its instructions, status and comments.' },
  'umig-controls': { heading: 'Quality gates of the current phase', intro: 'IT and business validators sign each gate off before the next phase starts.' },
};

function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index <= 0) continue;
    try {
      cookies[part.slice(0, index).trim()] = decodeURIComponent(part.slice(index + 1).trim());
    } catch {
      // A cookie we did not write; ignore it.
    }
  }
  return cookies;
}

function cookie(name: string, value: string): string {
  return `${name}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${60 * 60 * 24 * 365}`;
}

function splitHost(host: string): { name: string; port: string } {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
  return { name: (match?.[1] ?? host).toLowerCase(), port: match?.[2] ?? '' };
}

function cspSource(value: string): string {
  return CSP_KEYWORDS.has(value) ? `'${value}'` : value;
}

/** Safe redirect target: a path on this host. */
function localPath(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && !value.includes('\\') ? value : fallback;
}

const ACCOUNT_ID = /^[A-Za-z0-9:_-]{1,128}$/;

export function createHostServer(getRuntime: () => HostRuntime | undefined, startingMessage: () => string, options: HostServerOptions = {}): FastifyInstance {
  const server = Fastify({ logger: false, bodyLimit: 8 * 1024 * 1024, forceCloseConnections: true });
  const frames = new FrameRegistry();
  const limiter = new PageRateLimiter();
  const allowedHosts = new Set([...LOOPBACK, ...(options.allowedHosts ?? []).map((host) => host.toLowerCase())]);

  // DNS rebinding guard: anyone who can reach this server acts as any demo user, so only requests
  // addressed to a loopback name (or a name allowed on purpose) are answered.
  server.addHook('onRequest', async (request, reply) => {
    const host = request.headers.host;
    if (!host || !allowedHosts.has(splitHost(host).name)) {
      return reply.code(403).type('text/plain; charset=utf-8').send('The UMIG local host answers only on localhost (see docs/local-host.md).');
    }
    void reply.header('x-content-type-options', 'nosniff');
  });

  function origins(request: FastifyRequest): { pageOrigin: string; appsOrigin: string; frameAncestors: string } {
    const { name, port } = splitHost(request.headers.host!);
    const suffix = port ? `:${port}` : '';
    const pageOrigin = `http://${name}${suffix}`;
    const other = name === 'localhost' ? '127.0.0.1' : name === '127.0.0.1' ? 'localhost' : name;
    return { pageOrigin, appsOrigin: `http://${other}${suffix}`, frameAncestors: `http://localhost${suffix} http://127.0.0.1${suffix}` };
  }

  function notReady(reply: FastifyReply, json: boolean) {
    if (json) return reply.code(503).send({ message: 'The UMIG local host is still starting; try again in a moment.' });
    return reply.code(503).type('text/html; charset=utf-8').send(renderStartingPage(startingMessage()));
  }

  /** ?as= and ?theme= on any page: remember the choice in a cookie and come back without them. */
  function applySwitches(request: FastifyRequest, reply: FastifyReply, runtime: HostRuntime, target: string): boolean {
    const query = request.query as Record<string, unknown>;
    const cookies: string[] = [];
    if (typeof query.as === 'string') {
      const wanted = query.as.trim();
      const byRole = runtime.accounts.find((account) => account.role === wanted.toUpperCase());
      const keyword: Record<string, string> = { NONE: UNREGISTERED_ACCOUNT_ID, UNREGISTERED: UNREGISTERED_ACCOUNT_ID, NEW: NEW_PERSON.accountId, SITEADMIN: SITE_ADMINISTRATOR.accountId };
      const accountId = byRole?.accountId ?? keyword[wanted.toUpperCase()] ?? wanted;
      if (!ACCOUNT_ID.test(accountId)) {
        void reply.code(400).type('text/plain; charset=utf-8').send('as= takes ADMIN, PILOT, NORMAL, NEW, SITEADMIN, NONE or an account id (letters, digits, ":", "_", "-").');
        return true;
      }
      cookies.push(cookie(ACCOUNT_COOKIE, accountId));
    }
    if (query.theme === 'light' || query.theme === 'dark') cookies.push(cookie(THEME_COOKIE, query.theme));
    if (cookies.length === 0 && request.url.split('?')[0] !== '/__umig/switch') return false;
    if (cookies.length > 0) void reply.header('set-cookie', cookies);
    void reply.redirect(target, 303);
    return true;
  }

  function viewer(request: FastifyRequest, runtime: HostRuntime): { accountId: string | undefined; colorMode: 'light' | 'dark' } {
    const cookies = parseCookies(request.headers.cookie);
    const accountId = cookies[ACCOUNT_COOKIE] && ACCOUNT_ID.test(cookies[ACCOUNT_COOKIE]) ? cookies[ACCOUNT_COOKIE] : runtime.defaultAccountId;
    return { accountId, colorMode: cookies[THEME_COOKIE] === 'dark' ? 'dark' : 'light' };
  }

  function sendPage(reply: FastifyReply, html: string, appsOrigin: string) {
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'same-origin')
      .header(
        'content-security-policy',
        `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src ${appsOrigin} 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`,
      )
      .send(html);
  }

  function frameSrc(appsOrigin: string, frame: Frame): string {
    return `${appsOrigin}/apps/${encodeURIComponent(frame.resource)}/index.html?frame=${encodeURIComponent(frame.id)}`;
  }

  function chromeView(request: FastifyRequest, runtime: HostRuntime, pagePath: string) {
    const { pageOrigin, appsOrigin } = origins(request);
    const { accountId, colorMode } = viewer(request, runtime);
    const view: ChromeView = {
      colorMode,
      accounts: runtime.accounts,
      people: runtime.directory.switcherPeople().map((person) => ({ accountId: person.accountId, label: person.switcherLabel ?? person.displayName, name: person.displayName })),
      accountId,
      path: pagePath,
      appsOrigin,
      spaceName: runtime.state.state.focus?.migrationName ?? 'Cutover programme',
      notice: runtime.notice,
    };
    const pageViewId = newId();
    const makeFrame = (kind: FrameKind, module: UiModule, resource: string, localId: string) =>
      frames.create({ pageViewId, kind, moduleKey: module.key, resource, localId, accountId, colorMode, pageOrigin, pageUrl: `${pageOrigin}${pagePath}` });
    return { view, appsOrigin, makeFrame };
  }

  server.get('/', async (request, reply) => {
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
    return reply.redirect(`${PAGE_PATH}${query}`, 302);
  });

  server.get('/__umig/switch', async (request, reply) => {
    const runtime = getRuntime();
    if (!runtime) return notReady(reply, false);
    applySwitches(request, reply, runtime, localPath((request.query as Record<string, unknown>).to, PAGE_PATH));
    return reply;
  });

  const pageHandler = async (request: FastifyRequest, reply: FastifyReply) => {
    const runtime = getRuntime();
    if (!runtime) return notReady(reply, false);
    if (applySwitches(request, reply, runtime, PAGE_PATH)) return reply;
    const { view, appsOrigin, makeFrame } = chromeView(request, runtime, PAGE_PATH);
    const macros: MacroView[] = runtime.manifest.modules
      .filter((module) => module.type === 'macro')
      .map((module) => {
        const instance = runtime.state.macroFor(module.key);
        const viewFrame = makeFrame('macro', module, module.resource, instance.localId);
        const configFrame = module.configResource ? makeFrame('macro-config', module, module.configResource, instance.localId) : undefined;
        const text = MACRO_TEXT[module.key] ?? { heading: module.title, intro: '' };
        return {
          moduleKey: module.key,
          title: module.title,
          localId: instance.localId,
          frameId: viewFrame.id,
          src: frameSrc(appsOrigin, viewFrame),
          heading: text.heading,
          intro: text.intro,
          config: configFrame ? { src: frameSrc(appsOrigin, configFrame), frameId: configFrame.id, title: `${module.title}: settings` } : undefined,
        };
      });
    const owner = runtime.accounts.find((account) => account.role === 'PILOT') ?? runtime.accounts[0];
    return sendPage(reply, renderRunsheetPage({ ...view, focus: runtime.state.state.focus, owner, macros }), appsOrigin);
  };
  server.get(PAGE_PATH, pageHandler);
  server.get(`${PAGE_PATH}/*`, pageHandler);

  server.get(ADMIN_PATH, async (request, reply) => {
    const runtime = getRuntime();
    if (!runtime) return notReady(reply, false);
    if (applySwitches(request, reply, runtime, ADMIN_PATH)) return reply;
    const { view, appsOrigin, makeFrame } = chromeView(request, runtime, ADMIN_PATH);
    // Confluence shows an app's administration page to site administrators only.
    if (!runtime.directory.isSiteAdmin(view.accountId)) {
      return sendPage(reply.code(403), renderAdminPage({ ...view, module: undefined, refused: true }), appsOrigin);
    }
    const module = runtime.manifest.modules.find((candidate) => candidate.type === 'confluence:globalSettings');
    const frame = module ? makeFrame('global-page', module, module.resource, `${module.key}-page`) : undefined;
    const admin = module && frame ? { key: module.key, title: module.title, src: frameSrc(appsOrigin, frame), frameId: frame.id } : undefined;
    return sendPage(reply, renderAdminPage({ ...view, module: admin }), appsOrigin);
  });

  // The host's own browser files: served as files so that no page needs an inline script.
  for (const [route, file] of Object.entries(PUBLIC_FILES)) {
    server.get(route, async (_request, reply) =>
      reply
        .type(CONTENT_TYPES[path.extname(file)]!)
        .header('cache-control', 'no-cache')
        .send(await readFile(path.join(PUBLIC_DIR, file))),
    );
  }
  server.get('/__umig/tokens.css', async (_request, reply) => {
    const runtime = getRuntime();
    if (!runtime) return notReady(reply, true);
    return reply.type('text/css; charset=utf-8').header('cache-control', 'no-cache').send(runtime.tokensCss);
  });

  // The apps, exactly as built; index.html gets the bridge shim before the app's module script.
  server.get('/apps/:resource/*', async (request, reply) => {
    const runtime = getRuntime();
    if (!runtime) return notReady(reply, true);
    const { resource, '*': rest } = request.params as { resource: string; '*': string };
    const folder = runtime.manifest.resources.get(resource);
    if (!folder) return reply.code(404).type('text/plain; charset=utf-8').send(`manifest.yml has no resource "${resource}".`);
    const relative = rest === '' ? 'index.html' : rest;
    const file = path.resolve(folder, relative);
    if (!file.startsWith(folder + path.sep)) return reply.code(404).send();
    let content: Buffer;
    try {
      content = await readFile(file);
    } catch {
      return reply.code(404).type('text/plain; charset=utf-8').send(`Not in ${path.relative(process.cwd(), folder)}: ${relative}`);
    }
    const { frameAncestors } = origins(request);
    const { scripts, styles } = runtime.manifest.content;
    const policy = [
      "default-src 'self'",
      ["script-src 'self'", ...scripts.map(cspSource)].join(' '),
      ["style-src 'self'", ...styles.map(cspSource)].join(' '),
      "img-src 'self' data: blob:",
      "font-src 'self' data:",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'self'",
      `frame-ancestors ${frameAncestors}`,
    ].join('; ');
    void reply
      .type(CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream')
      .header('cache-control', 'no-cache')
      .header(runtime.csp === 'enforce' ? 'content-security-policy' : 'content-security-policy-report-only', policy);
    if (path.basename(file) === 'index.html') return reply.send(injectShim(content.toString('utf8')));
    return reply.send(content);
  });

  // The bridge's host side. A frame id names the frame; everything else the host knows itself.
  function frameFor(request: FastifyRequest, reply: FastifyReply): { runtime: HostRuntime; frame: Frame } | undefined {
    const runtime = getRuntime();
    if (!runtime) {
      void notReady(reply, true);
      return undefined;
    }
    const frame = frames.get((request.params as { id: string }).id);
    if (!frame) {
      void reply.code(404).send({ message: 'The local host does not know this frame (it was restarted, or the page is old). Reload the page.' });
      return undefined;
    }
    return { runtime, frame };
  }

  server.get('/__umig/frames/:id', async (request, reply) => {
    const found = frameFor(request, reply);
    if (!found) return reply;
    const { runtime, frame } = found;
    return reply.header('cache-control', 'no-store').send({
      frameId: frame.id,
      kind: frame.kind,
      pageOrigin: frame.pageOrigin,
      colorMode: frame.colorMode,
      closable: frame.kind === 'macro-config',
      submittable: frame.kind === 'macro-config',
      rateLimit: BRIDGE_RATE_LIMIT,
      context: contextOf(frame, runtime.state.state, runtime.manifest),
    });
  });

  server.post('/__umig/frames/:id/invoke', async (request, reply) => {
    const found = frameFor(request, reply);
    if (!found) return reply;
    const { runtime, frame } = found;
    if (!limiter.take(frame.pageViewId)) {
      return reply.code(429).send({
        message: `Remote invocation calls are rate limited at ${BRIDGE_RATE_LIMIT.calls}/${BRIDGE_RATE_LIMIT.windowMs / 1000}s`,
      });
    }
    try {
      const { result, record } = await forwardInvoke(frame, request.body ?? {}, {
        manifest: runtime.manifest,
        state: runtime.state.state,
        issuer: runtime.issuer,
        remotes: runtime.remotes,
      });
      runtime.invocations.push(record);
      if (runtime.invocations.length > MAX_INVOCATION_RECORDS) runtime.invocations.splice(0, runtime.invocations.length - MAX_INVOCATION_RECORDS);
      runtime.onInvocation?.(record);
      return reply.send(result);
    } catch (error) {
      if (error instanceof BridgeRefusal) return reply.code(error.status).send({ message: error.message });
      throw error;
    }
  });

  // requestConfluence: the user APIs UMIG calls, answered from the host's directory for the frame's user.
  server.post('/__umig/frames/:id/product', async (request, reply) => {
    const found = frameFor(request, reply);
    if (!found) return reply;
    const { runtime, frame } = found;
    const body = (request.body ?? {}) as Parameters<typeof answerProductRequest>[3];
    return reply.header('cache-control', 'no-store').send(answerProductRequest(runtime.directory, frame.accountId, runtime.manifest.scopes, body));
  });

  server.post('/__umig/frames/:id/submit', async (request, reply) => {
    const found = frameFor(request, reply);
    if (!found) return reply;
    const { runtime, frame } = found;
    if (frame.kind !== 'macro-config') return reply.code(400).send({ message: "This resource's view is not submittable." });
    const body = request.body as { config?: unknown } | undefined;
    const config = body?.config;
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      return reply.code(400).send({ message: 'A macro config dialog submits view.submit({ config }) with config an object.' });
    }
    if (Buffer.byteLength(JSON.stringify(config)) > MAX_CONFIG_BYTES) {
      return reply.code(400).send({ message: `A macro configuration is limited to ${MAX_CONFIG_BYTES / 1024} KB here.` });
    }
    const macro = runtime.state.macro(frame.localId);
    if (!macro) return reply.code(404).send({ message: 'This macro is no longer on the page. Reload the page.' });
    macro.config = config as Record<string, unknown>;
    await runtime.state.save();
    return reply.send({ ok: true });
  });

  server.get('/__umig/healthz', async (_request, reply) => reply.code(getRuntime() ? 200 : 503).send({ status: getRuntime() ? 'ready' : 'starting' }));

  server.setNotFoundHandler(async (_request, reply) => reply.code(404).type('text/plain; charset=utf-8').send('Not found on the UMIG local host.'));
  server.setErrorHandler(async (error, _request, reply) => {
    console.error('UMIG local host: request failed', error);
    return reply.code(500).send({ message: 'The local host failed on this request; see its console.' });
  });
  return server;
}

const SHIM_TAG = '<script src="/__umig/bridge-shim.js"></script>';

/** The built index.html with the shim's script tag before the first script (the app's module). */
export function injectShim(html: string): string {
  const script = html.search(/<script\b/i);
  if (script >= 0) return `${html.slice(0, script)}${SHIM_TAG}\n    ${html.slice(script)}`;
  const head = html.search(/<\/head>/i);
  if (head >= 0) return `${html.slice(0, head)}  ${SHIM_TAG}\n  ${html.slice(head)}`;
  return `${SHIM_TAG}\n${html}`;
}
