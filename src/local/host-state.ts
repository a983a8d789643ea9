import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Role } from '../domain/access/permissions';

/**
 * What Confluence would remember between visits and the local host keeps in <dataDir>/host-state.json:
 * the site's identity (installation, cloud id) and each macro instance on the page with its saved
 * configuration (what view.submit({ config }) stored). The database holds everything else.
 */

export interface DemoAccount {
  role: Role;
  accountId: string;
  name: string;
  code: string;
}

/** The demo data the page is built around; found again from the database when missing. */
export interface DemoFocus {
  iterationId: string;
  iterationName: string;
  /** The migration the iteration belongs to: the Confluence space of the demo page. */
  migrationName?: string;
  /** A step in progress, for the step view macro. */
  stepId?: string;
  /** The phase whose quality gates the controls macro shows. */
  phaseId?: string;
}

export interface MacroInstance {
  /** Forge's localId of the macro on the page. */
  localId: string;
  moduleKey: string;
  /** The saved configuration; undefined until the macro is configured. */
  config?: Record<string, unknown>;
}

export interface HostState {
  version: 1;
  site: { installationId: string; cloudId: string; environmentId: string };
  accounts: DemoAccount[];
  focus?: DemoFocus;
  macros: MacroInstance[];
}

export function newHostState(): HostState {
  const cloudId = randomUUID();
  return {
    version: 1,
    site: { installationId: `ari:cloud:ecosystem::installation/${randomUUID()}`, cloudId, environmentId: randomUUID() },
    accounts: [],
    macros: [],
  };
}

export class HostStateStore {
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    readonly file: string,
    public state: HostState,
  ) {}

  /** Reads the state file, or starts a new one (a new site) when there is none or it is unreadable. */
  static async open(file: string): Promise<HostStateStore> {
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as HostState;
      if (parsed.version === 1 && parsed.site?.installationId && Array.isArray(parsed.macros)) {
        return new HostStateStore(file, { ...parsed, accounts: parsed.accounts ?? [] });
      }
    } catch {
      // No state yet: a new site.
    }
    const store = new HostStateStore(file, newHostState());
    await store.save();
    return store;
  }

  /** Writes atomically (temp file + rename), one write at a time. */
  save(): Promise<void> {
    const text = `${JSON.stringify(this.state, null, 2)}\n`;
    this.writing = this.writing.then(async () => {
      await mkdir(path.dirname(this.file), { recursive: true });
      const temp = `${this.file}.${process.pid}.tmp`;
      await writeFile(temp, text);
      await rename(temp, this.file);
    });
    return this.writing;
  }

  macro(localId: string): MacroInstance | undefined {
    return this.state.macros.find((macro) => macro.localId === localId);
  }

  /** The instance of a module on the page, created (unconfigured) on first use. */
  macroFor(moduleKey: string): MacroInstance {
    let macro = this.state.macros.find((candidate) => candidate.moduleKey === moduleKey);
    if (!macro) {
      macro = { localId: randomUUID(), moduleKey };
      this.state.macros.push(macro);
    }
    return macro;
  }
}
