import { loadBridge } from './forge';

/**
 * Confluence's own people, read with @forge/bridge requestConfluence as the signed-in user (scope
 * read:confluence-user). What Confluence says here is a profile hint for UMIG, never an identity:
 * the UMIG service takes the caller's account id from the Forge Invocation Token only.
 */

export interface ConfluencePerson {
  accountId: string;
  displayName: string;
  /** Empty when the person's profile visibility hides it. */
  email: string;
}

interface RawUser {
  accountId?: unknown;
  accountType?: unknown;
  displayName?: unknown;
  publicName?: unknown;
  email?: unknown;
}

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

function personOf(raw: RawUser | undefined): ConfluencePerson | undefined {
  const accountId = text(raw?.accountId);
  // App and customer accounts cannot use UMIG.
  if (!accountId || (raw?.accountType !== undefined && raw.accountType !== 'atlassian')) return undefined;
  return { accountId, displayName: text(raw?.displayName) || text(raw?.publicName) || accountId, email: text(raw?.email) };
}

async function getJson(path: string): Promise<unknown> {
  const { requestConfluence } = await loadBridge();
  const response = await requestConfluence(path, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`Confluence answered ${response.status} to ${path.split('?')[0]}.`);
  return response.json();
}

/** The signed-in person's name and email as Confluence shows them (GET /wiki/rest/api/user/current). */
export async function currentConfluenceProfile(): Promise<{ displayName?: string; email?: string }> {
  const person = personOf((await getJson('/wiki/rest/api/user/current')) as RawUser);
  if (!person) return {};
  return { displayName: person.displayName, ...(person.email ? { email: person.email } : {}) };
}

/** CQL string literal: quotes and backslashes escaped. */
const cqlString = (value: string) => `"${value.replace(/["\\]/g, (char) => `\\${char}`)}"`;

/** People whose full name matches (GET /wiki/rest/api/search/user?cql=user.fullname~"…"). */
export async function searchConfluencePeople(query: string, limit = 10): Promise<ConfluencePerson[]> {
  const term = query.trim();
  if (term.length < 2) return [];
  const cql = `user.fullname~${cqlString(term)}`;
  const body = (await getJson(`/wiki/rest/api/search/user?cql=${encodeURIComponent(cql)}&limit=${limit}`)) as { results?: Array<{ user?: RawUser }> };
  return (body.results ?? []).map((result) => personOf(result.user)).filter((person): person is ConfluencePerson => person !== undefined);
}
