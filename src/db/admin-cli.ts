import { mkdir } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { isDomainError } from '../domain/errors';
import { administrators, grantAdministrator } from '../services/people/operator';
import { openDatabase } from './client';
import { databaseOptionsFromEnv } from './config';

/**
 * `npm run admin -- <command>` on the service host, against the database of DATABASE_URL (or the
 * embedded one of UMIG_PGLITE_DIR / .umig/pgdata), like `npm run db:migrate`:
 *
 *   grant <accountId> [--name "First Last"] [--email a@b.c]   make that Confluence account a UMIG administrator
 *   list                                                      the users holding administrator rights
 */

const USAGE = `Usage:
  npm run admin -- grant <accountId> [--name "First Last"] [--email person@example.com]
  npm run admin -- list

The account id is the person's Atlassian account id (Confluence: profile > ... > Copy link; the id
is the last part of the link, e.g. 557058:0a1b2c3d-...). Uses DATABASE_URL, or the embedded
database of UMIG_PGLITE_DIR (default .umig/pgdata).`;

export async function runAdminCommand(argv: string[], env: NodeJS.ProcessEnv, out: (line: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { name: { type: 'string' }, email: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    out(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  const [command, ...rest] = parsed.positionals;
  if (parsed.values.help || !command) {
    out(USAGE);
    return command || parsed.values.help ? 0 : 2;
  }
  if ((command === 'grant' && rest.length !== 1) || (command === 'list' && rest.length !== 0) || !['grant', 'list'].includes(command)) {
    out(USAGE);
    return 2;
  }
  const options = databaseOptionsFromEnv(env);
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const database = await openDatabase(options);
  try {
    if (command === 'grant') {
      const result = await grantAdministrator(database.db, { accountId: rest[0]!, displayName: parsed.values.name, email: parsed.values.email });
      out(
        !result.changed
          ? `${result.name} (${result.code}) is already a UMIG administrator; nothing changed.`
          : `${result.name} (${result.code}) is now a UMIG administrator${result.created ? ' (new user)' : ''}, in ${database.description}.`,
      );
      return 0;
    }
    const admins = await administrators(database.db);
    if (admins.length === 0) out(`No UMIG administrator in ${database.description}. Grant one: npm run admin -- grant <accountId>`);
    for (const admin of admins) out(`${admin.code}  ${admin.name}  ${admin.accountId ?? '(no Confluence account)'}${admin.active ? '' : '  (inactive)'}`);
    return 0;
  } catch (error) {
    if (isDomainError(error)) {
      out(error.message);
      return 1;
    }
    throw error;
  } finally {
    await database.close();
  }
}

if (require.main === module) {
  runAdminCommand(process.argv.slice(2), process.env, (line) => console.log(line)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
