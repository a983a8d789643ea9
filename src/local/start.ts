import path from 'node:path';
import { DEFAULT_PGLITE_DIR } from '../db/config';
import { describeUrl } from '../db/client';
import type { DemoSize } from './demo-data';
import { startLocalHost } from './host';
import { REPO_ROOT } from './manifest';

/**
 * `npm start`: the app on a local Confluence-like page (docs/local-host.md).
 *
 *   PORT              page port (default 3000)
 *   DATABASE_URL      PostgreSQL instead of the embedded database in .umig/pgdata
 *   UMIG_PGLITE_DIR   another folder for the embedded database
 *   UMIG_DEMO         full (default, ~1,000 steps), small, or none: what an empty database gets
 *   UMIG_HOST_CSP     report-only: report Forge content-security-policy breaches instead of blocking
 *   UMIG_HOST_VERBOSE 1: print every invokeRemote call the page makes
 */

function demoSize(value: string | undefined): DemoSize | false {
  const wanted = (value ?? 'full').trim().toLowerCase();
  if (wanted === 'none' || wanted === 'off') return false;
  if (wanted === 'full' || wanted === 'small') return wanted;
  console.error(`UMIG_DEMO must be full, small or none (got "${value}").`);
  process.exit(2);
}

function port(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 3000;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) {
    console.error(`PORT must be a whole number from 0 to 65535 (got "${value}").`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  const env = process.env;
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  console.log(`UMIG local host: ${databaseUrl ? describeUrl(databaseUrl) : `embedded database in ${path.relative(process.cwd(), env.UMIG_PGLITE_DIR?.trim() || DEFAULT_PGLITE_DIR) || '.'}`}`);
  const host = await startLocalHost({
    port: port(env.PORT),
    dataDir: path.join(REPO_ROOT, '.umig'),
    databaseUrl,
    pgliteDir: env.UMIG_PGLITE_DIR?.trim() || DEFAULT_PGLITE_DIR,
    demo: demoSize(env.UMIG_DEMO),
    csp: env.UMIG_HOST_CSP === 'report-only' ? 'report-only' : 'enforce',
    log: (line) => console.log(`  ${line}`),
    onInvocation:
      env.UMIG_HOST_VERBOSE === '1'
        ? (call) => {
            const who = host.accounts.find((account) => account.accountId === call.accountId)?.role ?? call.accountId ?? 'app';
            console.log(`  invoke ${call.functionKey ?? call.path} as ${who} from ${call.moduleKey}: ${call.status} ${call.outcome} (${call.durationMs} ms)`);
          }
        : undefined,
  }).catch((error: unknown) => {
    console.error(`\nUMIG local host could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });

  const width = Math.max(...host.accounts.map((account) => account.name.length), 10);
  console.log('  Every minute: POST /forge/housekeeping, as the scheduled trigger (stale locks, due import schedules, due emails)');
  console.log('');
  console.log(`  Open ${host.url}`);
  console.log(`  UMIG administration: ${host.url}wiki/admin/umig`);
  console.log('');
  console.log('  Demo users (switch in the page header, or add ?as=ADMIN, ?as=PILOT, ?as=NORMAL to the URL):');
  for (const account of host.accounts) console.log(`    ${account.role.padEnd(6)} ${account.name.padEnd(width)} ${account.code}  ${account.accountId}`);
  if (host.accounts.length === 0) console.log('    none: this database has no user with a Confluence account id');
  console.log('  Confluence people new to UMIG (?as=NEW, ?as=SITEADMIN): opening a macro registers them; a site admin can claim a site without UMIG administrator:');
  for (const person of host.directory.switcherPeople()) console.log(`    ${person.switcherLabel ?? person.displayName}  ${person.accountId}`);
  console.log('');
  const seconds = (ms: number | undefined) => `${((ms ?? 0) / 1000).toFixed(1)} s`;
  const { total, database, migrations, demo, service, build } = host.timings;
  console.log(
    `  Ready in ${seconds(total)} (database ${seconds(database)}, migrations ${seconds(migrations)}, demo data ${seconds(demo)}, service ${seconds(service)}` +
      `${build === undefined ? '' : `, builds ${seconds(build)} alongside`}).`,
  );
  console.log(`  Service log: ${path.relative(process.cwd(), path.join(REPO_ROOT, '.umig', 'service.log'))}. Ctrl+C to stop.`);

  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log('\nUMIG local host: stopping…');
    host.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
