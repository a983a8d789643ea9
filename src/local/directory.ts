import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { queryRows } from '../db/query';
import type { DemoAccount } from './host-state';

/**
 * The local host's Confluence user directory: who exists on the "site", whether they are a site
 * administrator (Confluence shows the UMIG administration page to them only), and what
 * requestConfluence answers about them. It holds every UMIG user that has an account id (read at
 * start) plus a few Confluence people UMIG does not know yet, so that self-registration, the
 * first administrator's claim and the user picker can be tried under `npm start`.
 */

export interface DirectoryPerson {
  accountId: string;
  displayName: string;
  email: string;
  siteAdmin: boolean;
  /** How the user switcher names someone who is not one of the demo's UMIG users. */
  switcherLabel?: string;
}

/** A Confluence user who has never opened UMIG: opening a macro registers them. */
export const NEW_PERSON: DirectoryPerson = {
  accountId: '557058:00000000-0000-4000-8000-00000000a001',
  displayName: 'Noor Haddad',
  email: 'noor.haddad@example.com',
  siteAdmin: false,
  switcherLabel: 'Noor Haddad (new to UMIG)',
};

/** A Confluence site administrator UMIG does not know: on a site without a UMIG administrator, they claim it. */
export const SITE_ADMINISTRATOR: DirectoryPerson = {
  accountId: '557058:00000000-0000-4000-8000-00000000a002',
  displayName: 'Robin Ashe',
  email: 'robin.ashe@example.com',
  siteAdmin: true,
  switcherLabel: 'Robin Ashe (Confluence site admin, new to UMIG)',
};

/** Colleagues an administrator can find in the user picker and add. */
const COLLEAGUES: DirectoryPerson[] = [
  { accountId: '557058:00000000-0000-4000-8000-00000000a003', displayName: 'Jean Dupont', email: 'jean.dupont@example.com', siteAdmin: false },
  { accountId: '557058:00000000-0000-4000-8000-00000000a004', displayName: 'Priya Raman', email: 'priya.raman@example.com', siteAdmin: false },
  // Profile visibility hides the email of some people; the picker must cope.
  { accountId: '557058:00000000-0000-4000-8000-00000000a005', displayName: 'Tomás Ortega', email: '', siteAdmin: false },
];

export const DIRECTORY_ONLY: readonly DirectoryPerson[] = [NEW_PERSON, SITE_ADMINISTRATOR, ...COLLEAGUES];

const fold = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

export class Directory {
  private readonly byId = new Map<string, DirectoryPerson>();

  constructor(people: readonly DirectoryPerson[]) {
    for (const person of people) if (!this.byId.has(person.accountId)) this.byId.set(person.accountId, person);
  }

  find(accountId: string | undefined): DirectoryPerson | undefined {
    return accountId ? this.byId.get(accountId) : undefined;
  }

  isSiteAdmin(accountId: string | undefined): boolean {
    return this.find(accountId)?.siteAdmin === true;
  }

  /** Confluence's user.fullname~"…" match: every word of the query starts a word of the name. */
  search(query: string, limit: number): DirectoryPerson[] {
    const words = fold(query).split(/\s+/).filter(Boolean);
    if (words.length === 0) return [];
    return [...this.byId.values()]
      .filter((person) => {
        const nameWords = fold(person.displayName).split(/\s+/);
        return words.every((word) => nameWords.some((nameWord) => nameWord.startsWith(word)));
      })
      .sort((a, b) => a.displayName.localeCompare(b.displayName))
      .slice(0, limit);
  }

  /** The people the user switcher offers beside the demo accounts. */
  switcherPeople(): DirectoryPerson[] {
    return [...this.byId.values()].filter((person) => person.switcherLabel !== undefined);
  }
}

/**
 * The directory of a database: its users with an account id (the demo's ADMIN, PILOT and NORMAL
 * accounts are site administrators, so each of them can open the administration page and see
 * what UMIG lets them do there), then the Confluence-only people.
 */
export async function loadDirectory(db: DbOrTx, accounts: readonly DemoAccount[]): Promise<Directory> {
  const rows = await queryRows<{ account: string; first: string; last: string; email: string }>(
    db,
    sql`SELECT usr_confluence_user_id AS account, usr_first_name AS first, usr_last_name AS last, usr_email AS email
          FROM users_usr WHERE usr_confluence_user_id IS NOT NULL ORDER BY usr_id`,
  );
  const demo = new Set(accounts.map((account) => account.accountId));
  const known = new Set(DIRECTORY_ONLY.map((person) => person.accountId));
  const people: DirectoryPerson[] = rows
    .filter((row) => !known.has(row.account))
    .map((row) => ({ accountId: row.account, displayName: `${row.first} ${row.last}`.trim(), email: row.email, siteAdmin: demo.has(row.account) }));
  return new Directory([...people, ...DIRECTORY_ONLY]);
}

/** What the bridge's fetchProduct command resolves with; @forge/bridge turns it into a Response. */
export interface ProductResponse {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: string;
}

const json = (status: number, statusText: string, value: unknown): ProductResponse => ({
  status,
  statusText,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(value),
});

function userJson(person: DirectoryPerson) {
  return {
    type: 'known',
    accountId: person.accountId,
    accountType: 'atlassian',
    displayName: person.displayName,
    publicName: person.displayName,
    // Confluence leaves email empty when the person's profile visibility hides it.
    email: person.email,
    profilePicture: { path: '/wiki/aa-avatar/default.png', width: 48, height: 48, isDefault: true },
  };
}

const FULLNAME_CQL = /^user\.fullname\s*~\s*"((?:[^"\\]|\\.)*)"$/;

/**
 * requestConfluence on the local host, for the Confluence REST calls UMIG makes: the current
 * user, a user by account id, and the user search by full name. The app needs the manifest
 * scope read:confluence-user, as in Confluence.
 */
export function answerProductRequest(
  directory: Directory,
  viewerAccountId: string | undefined,
  scopes: readonly string[],
  request: { product?: unknown; restPath?: unknown; fetchRequestInit?: { method?: unknown } },
): ProductResponse {
  if (request.product !== 'confluence') return json(400, 'Bad Request', { message: 'The local host emulates requestConfluence only.' });
  const method = typeof request.fetchRequestInit?.method === 'string' ? request.fetchRequestInit.method.toUpperCase() : 'GET';
  const restPath = typeof request.restPath === 'string' ? request.restPath : '';
  let url: URL;
  try {
    url = new URL(restPath, 'http://confluence.local');
  } catch {
    return json(400, 'Bad Request', { message: 'requestConfluence needs a path such as /wiki/rest/api/user/current.' });
  }
  const isUserApi = url.pathname.startsWith('/wiki/rest/api/user') || url.pathname === '/wiki/rest/api/search/user';
  if (!isUserApi || method !== 'GET') {
    return json(404, 'Not Found', { message: `The local host does not emulate ${method} ${url.pathname}; only the user APIs UMIG uses.` });
  }
  if (!scopes.includes('read:confluence-user')) {
    return json(403, 'Forbidden', { message: 'The app lacks the scope read:confluence-user (manifest.yml permissions.scopes).' });
  }
  if (!viewerAccountId) return json(401, 'Unauthorized', { message: 'Nobody is signed in.' });
  if (url.pathname === '/wiki/rest/api/user/current') {
    const person = directory.find(viewerAccountId);
    // Someone outside the directory still has an account: Confluence shows no name for them here.
    return json(200, 'OK', person ? userJson(person) : { type: 'known', accountId: viewerAccountId, accountType: 'atlassian', displayName: '', publicName: '', email: '' });
  }
  if (url.pathname === '/wiki/rest/api/user') {
    const person = directory.find(url.searchParams.get('accountId') ?? undefined);
    return person ? json(200, 'OK', userJson(person)) : json(404, 'Not Found', { message: 'No user with this account id.' });
  }
  if (url.pathname === '/wiki/rest/api/search/user') {
    const match = FULLNAME_CQL.exec((url.searchParams.get('cql') ?? '').trim());
    if (!match) return json(400, 'Bad Request', { message: 'The local host understands cql=user.fullname~"name" only.' });
    const query = match[1]!.replace(/\\(.)/g, '$1');
    const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? 25) || 25, 1), 200);
    const found = directory.search(query, limit);
    return json(200, 'OK', { results: found.map((person) => ({ user: userJson(person), title: person.displayName, entityType: 'user' })), start: 0, limit, size: found.length });
  }
  return json(404, 'Not Found', { message: `No user API at ${url.pathname}.` });
}
