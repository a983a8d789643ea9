import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from './manifest';

/**
 * Keeps the Custom UI builds (static/<app>/build) current without rebuilding on every start.
 *
 * An app is rebuilt when its build is missing or when the content of what it is built from
 * changed since the last build made here: its own folder, static/shared, the shared Vite config,
 * the build script and package-lock.json (a dependency upgrade). Content hashes, not mtimes, so
 * a checkout or a copy does not force a rebuild and an edit is never missed. The hashes live in
 * .umig/build-stamps.json, not in the build folders, which must stay exactly what Forge deploys.
 */

const STATIC_DIR = path.join(REPO_ROOT, 'static');
const STAMPS_FILE = path.join(REPO_ROOT, '.umig', 'build-stamps.json');
const LOCK_FILE = path.join(REPO_ROOT, '.umig', 'build.lock');
const LOCK_WAIT_MS = 5 * 60 * 1000;
const SHARED_INPUTS = ['static/shared', 'src/domain', 'static/vite.config.mjs', 'static/tsconfig.json', 'scripts/build-static.mjs', 'package-lock.json'];
const SKIPPED_DIRS = new Set(['build', 'node_modules']);

async function listFiles(relative: string): Promise<string[]> {
  const absolute = path.join(REPO_ROOT, relative);
  if (!existsSync(absolute)) return [];
  const entries = await readdir(absolute, { withFileTypes: true }).catch(() => undefined);
  if (!entries) return [relative];
  const files: string[] = [];
  for (const entry of entries) {
    const child = path.posix.join(relative, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith('.')) files.push(...(await listFiles(child)));
    } else if (entry.isFile()) {
      files.push(child);
    }
  }
  return files;
}

async function hashFiles(files: string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of [...files].sort()) {
    hash.update(file).update('\0');
    hash.update(await readFile(path.join(REPO_ROOT, file))).update('\0');
  }
  return hash.digest('hex');
}

async function sharedHash(): Promise<string> {
  const files: string[] = [];
  for (const input of SHARED_INPUTS) files.push(...(await listFiles(input)));
  return hashFiles(files);
}

/** The hash of everything app `name` (static/<name>) is built from; `shared` is sharedHash(). */
export async function sourceHash(name: string, shared?: string): Promise<string> {
  const own = await hashFiles(await listFiles(`static/${name}`));
  return createHash('sha256')
    .update(own)
    .update(shared ?? (await sharedHash()))
    .digest('hex');
}

async function readStamps(): Promise<Record<string, string>> {
  try {
    return JSON.parse(await readFile(STAMPS_FILE, 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

export interface BuildPlan {
  /** Apps whose build is missing or older than their sources. */
  stale: string[];
  /** Hashes of every app's sources, to record once the stale ones are built. */
  hashes: Record<string, string>;
}

/** Which of the apps (folder names under static/) need a build. */
export async function planBuilds(apps: string[]): Promise<BuildPlan> {
  const stamps = await readStamps();
  const shared = await sharedHash();
  const hashes: Record<string, string> = {};
  const stale: string[] = [];
  for (const app of apps) {
    hashes[app] = await sourceHash(app, shared);
    const built = existsSync(path.join(STATIC_DIR, app, 'build', 'index.html'));
    if (!built || stamps[app] !== hashes[app]) stale.push(app);
  }
  return { stale, hashes };
}

export class BuildError extends Error {
  override readonly name = 'BuildError';
}

/** Runs scripts/build-static.mjs for the apps, in a child process (Vite is ESM and CPU-heavy). */
function runBuild(apps: string[], onOutput: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build-static.mjs'), ...apps], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      for (const line of text.split('\n')) if (line.trim()) onOutput(line);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new BuildError(`Building the Custom UI apps failed (exit code ${code}):\n${output.trim()}`));
    });
  });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One build at a time across processes (two test workers, a test run beside `npm start`): Vite
 * empties a build folder before writing it, so a second build, or a host serving it meanwhile,
 * would see it half-written. The lock file holds the builder's pid; a lock whose process is gone
 * is taken over.
 */
async function withBuildLock<T>(work: () => Promise<T>): Promise<T> {
  await mkdir(path.dirname(LOCK_FILE), { recursive: true });
  const started = Date.now();
  for (;;) {
    try {
      const handle = await open(LOCK_FILE, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number((await readFile(LOCK_FILE, 'utf8').catch(() => '')).trim());
      if (!Number.isInteger(holder) || holder <= 0 || !isRunning(holder)) {
        await rm(LOCK_FILE, { force: true });
        continue;
      }
      if (Date.now() - started > LOCK_WAIT_MS) throw new BuildError(`Process ${holder} has been building the apps for over 5 minutes (.umig/build.lock).`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return await work();
  } finally {
    await rm(LOCK_FILE, { force: true });
  }
}

export interface EnsureBuiltResult {
  built: string[];
  upToDate: string[];
  ms: number;
}

/**
 * Builds the stale apps and records their source hashes. Resolves once every app has a current
 * build; rejects with a BuildError carrying Vite's output when a build fails.
 */
export async function ensureBuilt(apps: string[], options: { onOutput?: (line: string) => void; force?: boolean } = {}): Promise<EnsureBuiltResult> {
  const started = performance.now();
  const first = await planBuilds(apps);
  if (!options.force && first.stale.length === 0) return { built: [], upToDate: apps, ms: performance.now() - started };
  return withBuildLock(async () => {
    // Another process may have built them while this one waited for the lock.
    const plan = await planBuilds(apps);
    const stale = options.force ? apps : plan.stale;
    if (stale.length > 0) {
      await runBuild(stale, options.onOutput ?? (() => undefined));
      const stamps = await readStamps();
      for (const app of stale) stamps[app] = plan.hashes[app]!;
      await writeFile(STAMPS_FILE, `${JSON.stringify(stamps, null, 2)}\n`);
    }
    return { built: stale, upToDate: apps.filter((app) => !stale.includes(app)), ms: performance.now() - started };
  });
}

/** The folder names under static/ of the resources that manifest.yml serves from static/<app>/build. */
export function appsOf(resources: Map<string, string>): string[] {
  const apps = new Set<string>();
  for (const folder of resources.values()) {
    const relative = path.relative(STATIC_DIR, folder).split(path.sep);
    if (relative.length === 2 && relative[1] === 'build' && !relative[0]!.startsWith('..')) apps.add(relative[0]!);
  }
  return [...apps].sort();
}
