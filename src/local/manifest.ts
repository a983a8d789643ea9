import path from 'node:path';
import { validate } from '@forge/manifest';

/**
 * What the local host needs from manifest.yml, read with Forge's own parser so that the host
 * embeds exactly the modules, resources and content security policy Forge would deploy.
 */

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const MANIFEST_FILE = path.join(REPO_ROOT, 'manifest.yml');

export interface UiModule {
  /** 'macro' or 'confluence:globalSettings'. */
  type: string;
  key: string;
  title: string;
  /** The resource key the module's view is built from. */
  resource: string;
  /** The macro's config dialog resource (config.resource), if it has one. */
  configResource?: string;
  /** The remote the module's resolver endpoint forwards to. */
  remote?: string;
}

export interface AppManifest {
  appId: string;
  modules: UiModule[];
  /** resource key -> absolute path of its folder (static/<app>/build). */
  resources: Map<string, string>;
  remotes: string[];
  scopes: string[];
  /** permissions.content: extra sources allowed for script-src and style-src. */
  content: { scripts: string[]; styles: string[] };
}

interface RawModule {
  key: string;
  title?: string | { i18n?: string };
  resource?: string;
  config?: boolean | { resource?: string };
  resolver?: { endpoint?: string; function?: string };
  remote?: string;
}

interface RawManifest {
  app: { id: string };
  modules?: Record<string, RawModule[]>;
  resources?: Array<{ key: string; path: string }>;
  remotes?: Array<{ key: string }>;
  permissions?: { scopes?: string[]; content?: { scripts?: unknown[]; styles?: unknown[] } };
}

const UI_MODULE_TYPES = ['macro', 'confluence:globalSettings'];

/** Only keyword sources ('unsafe-inline'…); egress objects do not apply to a local host. */
const keywords = (values: unknown[] | undefined) => (values ?? []).filter((value): value is string => typeof value === 'string');

export async function readAppManifest(file = MANIFEST_FILE): Promise<AppManifest> {
  const result = await validate(true, file);
  const manifest = result.manifestObject?.typedContent as unknown as RawManifest | undefined;
  if (!result.success || !manifest) {
    const problems = (result.errors ?? []).map((error) => `  - ${error.message}`).join('\n');
    throw new Error(`manifest.yml cannot be read:\n${problems}`);
  }
  const endpoints = new Map((manifest.modules?.endpoint ?? []).map((endpoint) => [endpoint.key, endpoint.remote]));
  const modules: UiModule[] = [];
  for (const type of UI_MODULE_TYPES) {
    for (const module of manifest.modules?.[type] ?? []) {
      if (!module.resource) continue;
      modules.push({
        type,
        key: module.key,
        title: typeof module.title === 'string' ? module.title : module.key,
        resource: module.resource,
        configResource: typeof module.config === 'object' ? module.config.resource : undefined,
        remote: module.resolver?.endpoint ? endpoints.get(module.resolver.endpoint) : undefined,
      });
    }
  }
  return {
    appId: manifest.app.id,
    modules,
    resources: new Map((manifest.resources ?? []).map((resource) => [resource.key, path.resolve(path.dirname(file), resource.path)])),
    remotes: (manifest.remotes ?? []).map((remote) => remote.key),
    scopes: manifest.permissions?.scopes ?? [],
    content: { scripts: keywords(manifest.permissions?.content?.scripts), styles: keywords(manifest.permissions?.content?.styles) },
  };
}
