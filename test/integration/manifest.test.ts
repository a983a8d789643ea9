import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { validate, type ValidationError } from '@forge/manifest';

/**
 * manifest.yml as `forge lint` / `forge deploy` would judge it, plus the conventions the apps rely
 * on. The Forge validator checks that every resource folder exists, so the apps are built first
 * when a build is missing.
 */
const root = path.resolve(__dirname, '../..');
const manifestFile = path.join(root, 'manifest.yml');
const staticDir = path.join(root, 'static');

const EXPECTED_MODULE_KEYS: Record<string, string[]> = {
  macro: ['umig-controls', 'umig-runsheet', 'umig-step-view'],
  'confluence:globalSettings': ['umig-admin'],
  endpoint: ['umig-service-ui'],
  trigger: ['umig-lifecycle'],
  scheduledTrigger: ['umig-housekeeping'],
  function: ['umig-housekeeping-fn', 'umig-lifecycle-fn'],
};
const UI_MODULE_TYPES = ['macro', 'confluence:globalSettings'];

interface ModuleEntry {
  key: string;
  resource?: string;
  resolver?: { endpoint?: string; function?: string };
  config?: boolean | { resource?: string };
  remote?: string;
}
interface ManifestContent {
  modules: Record<string, ModuleEntry[]>;
  resources?: { key: string; path: string }[];
  remotes?: { key: string }[];
}

/** Folders under static/ that are apps (have an index.html); static/shared is library code. */
function staticApps(): string[] {
  return readdirSync(staticDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'shared')
    .filter((entry) => existsSync(path.join(staticDir, entry.name, 'index.html')))
    .map((entry) => entry.name)
    .sort();
}

function describeProblem(problem: ValidationError): string {
  const where = problem.line === undefined ? '' : ` (manifest.yml:${problem.line}:${problem.column ?? 0})`;
  return `${problem.level}: ${problem.message}${where} [${problem.reference}]`;
}

let problems: string[];
let manifest: ManifestContent;

beforeAll(async () => {
  const unbuilt = staticApps().filter((app) => !existsSync(path.join(staticDir, app, 'build', 'index.html')));
  if (unbuilt.length > 0) {
    execFileSync(process.execPath, [path.join(root, 'scripts', 'build-static.mjs'), ...unbuilt], {
      cwd: root,
      stdio: 'pipe',
      timeout: 280_000,
    });
  }
  const result = await validate(false, manifestFile);
  problems = (result.errors ?? []).map(describeProblem);
  // No typed content when the YAML or the schema check fails; the first test then shows why.
  manifest = (result.manifestObject?.typedContent as unknown as ManifestContent | undefined) ?? { modules: {} };
}, 300_000);

describe('manifest.yml', () => {
  it('passes the Forge manifest validator with no error and no warning', () => {
    expect(problems).toEqual([]);
  });

  it('declares exactly the expected modules', () => {
    const keys = Object.fromEntries(
      Object.entries(manifest.modules).map(([type, entries]) => [type, entries.map((entry) => entry.key).sort()]),
    );
    expect(keys).toEqual(EXPECTED_MODULE_KEYS);
  });

  it('serves every static app, each from its static/<app>/build folder with an index.html', () => {
    const resources = manifest.resources ?? [];
    expect(resources.map((resource) => resource.key).sort()).toEqual(staticApps());
    for (const resource of resources) {
      expect(resource.path).toBe(`static/${resource.key}/build`);
      expect(existsSync(path.join(root, resource.path, 'index.html'))).toBe(true);
    }
  });

  it('uses every resource, and only declared ones', () => {
    const declared = new Set((manifest.resources ?? []).map((resource) => resource.key));
    const used = new Set<string>();
    for (const type of UI_MODULE_TYPES) {
      for (const module of manifest.modules[type] ?? []) {
        if (module.resource) used.add(module.resource);
        if (typeof module.config === 'object' && module.config.resource) used.add(module.config.resource);
      }
    }
    expect([...used].sort()).toEqual([...declared].sort());
  });

  it('routes every UI module to the UMIG service through the umig-service-ui endpoint', () => {
    for (const type of UI_MODULE_TYPES) {
      for (const module of manifest.modules[type] ?? []) {
        expect({ module: module.key, resolver: module.resolver }).toEqual({
          module: module.key,
          resolver: { endpoint: 'umig-service-ui' },
        });
      }
    }
    expect(manifest.modules.endpoint).toEqual([expect.objectContaining({ key: 'umig-service-ui', remote: 'umig-service' })]);
    expect((manifest.remotes ?? []).map((remote) => remote.key)).toEqual(['umig-service']);
  });

  it('gives the runsheet macro its config dialog', () => {
    const runsheet = manifest.modules.macro?.find((module) => module.key === 'umig-runsheet');
    expect(runsheet?.config).toEqual(expect.objectContaining({ resource: 'config' }));
  });

  it('builds pages without inline scripts, which Forge’s content security policy blocks', () => {
    for (const app of staticApps()) {
      const html = readFileSync(path.join(staticDir, app, 'build', 'index.html'), 'utf8');
      const inlineScripts = html.match(/<script(?![^>]*\bsrc=)[^>]*>/gi) ?? [];
      expect({ app, inlineScripts }).toEqual({ app, inlineScripts: [] });
      expect(html).toMatch(/<script type="module"[^>]*src="\.\/assets\//);
    }
  });
});
