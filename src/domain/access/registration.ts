/**
 * Self-registration and the first administrator: the pure rules. A Confluence account that opens
 * UMIG for the first time becomes a user; what it may do then is the newcomer access an
 * administrator chose (system configuration `people.newcomerAccess`). The account id always comes
 * from the verified Forge Invocation Token; the display name and email are hints the app read from
 * Confluence, used for the profile only (never to find or link an existing user).
 */

export const NEWCOMER_ACCESS = ['AWAITING_APPROVAL', 'NORMAL'] as const;
export type NewcomerAccess = (typeof NEWCOMER_ACCESS)[number];

/** The `confluence:globalSettings` module (manifest.yml): Confluence shows it to site administrators only. */
export const ADMIN_PAGE_MODULE_KEY = 'umig-admin';

/** Anything but NORMAL reads as the safe choice: a newcomer waits for approval. */
export function readNewcomerAccess(value: unknown): NewcomerAccess {
  return value === 'NORMAL' ? 'NORMAL' : 'AWAITING_APPROVAL';
}

export const AWAITING_APPROVAL_MESSAGE =
  'Your Confluence account is registered in UMIG but waiting for an administrator’s approval: until a UMIG administrator activates you (UMIG administration > Users), you cannot see or change anything.';
export const NOT_REGISTERED_MESSAGE = 'Your Confluence account is not registered in UMIG yet. Reload the page to register, or ask a UMIG administrator.';
export const NO_ACCOUNT_MESSAGE = 'This call carries no Confluence user, so UMIG cannot tell who you are.';

export interface ProfileHints {
  displayName?: string | undefined;
  email?: string | undefined;
}

export interface NewUserProfile {
  firstName: string;
  lastName: string;
  email: string;
}

const NAME_LIMIT = 50;
const EMAIL_LIMIT = 255;
/** Reserved top-level domain (RFC 2606): a placeholder can never reach anyone. */
export const PLACEHOLDER_EMAIL_DOMAIN = 'confluence-account.invalid';
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

const clip = (text: string, limit: number) => [...text].slice(0, limit).join('').trim();

/** The placeholder address of an account whose email Confluence does not share. */
export function placeholderEmail(accountId: string): string {
  const local = accountId.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, EMAIL_LIMIT - PLACEHOLDER_EMAIL_DOMAIN.length - 1);
  return `${local}@${PLACEHOLDER_EMAIL_DOMAIN}`;
}

/**
 * First and last name from Confluence's display name ("Noor Haddad", "Noor", "van der Berg, Jan"
 * stays as written: everything after the first word is the last name), and the email when it
 * looks like one. Without a display name the person is "Confluence user" and the end of their
 * account id, so an administrator can still tell newcomers apart.
 */
export function profileFromHints(accountId: string, hints: ProfileHints): NewUserProfile {
  const display = (hints.displayName ?? '').replace(/\s+/g, ' ').trim();
  const [first = '', ...rest] = display.split(' ');
  const email = (hints.email ?? '').trim();
  const usableEmail = email.length > 0 && email.length <= EMAIL_LIMIT && EMAIL.test(email) ? email : placeholderEmail(accountId);
  if (first === '') {
    return { firstName: 'Confluence user', lastName: clip(accountId.slice(-8), NAME_LIMIT) || 'unknown', email: usableEmail };
  }
  return { firstName: clip(first, NAME_LIMIT), lastName: clip(rest.join(' '), NAME_LIMIT) || '-', email: usableEmail };
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function lettersOf(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '');
}

/**
 * Three-character user codes for a new person, most telling first: initials plus a letter of the
 * last name (Noor Haddad: NHA, NHD…), of the first name, then a digit, then anything starting
 * with the first initial, then anything at all. The caller takes the first one nobody holds.
 */
export function* userCodeCandidates(firstName: string, lastName: string): Generator<string> {
  const first = lettersOf(firstName) || 'U';
  const last = lettersOf(lastName) || 'X';
  const seen = new Set<string>();
  const offer = function* (code: string) {
    if (code.length === 3 && !seen.has(code)) {
      seen.add(code);
      yield code;
    }
  };
  const f = first[0]!;
  const l = last[0]!;
  for (const c of last.slice(1)) yield* offer(`${f}${l}${c}`);
  for (const c of first.slice(1)) yield* offer(`${f}${c}${l}`);
  for (const d of '123456789') yield* offer(`${f}${l}${d}`);
  for (const a of ALPHANUMERIC) for (const b of ALPHANUMERIC) yield* offer(`${f}${a}${b}`);
  for (const x of ALPHANUMERIC) for (const a of ALPHANUMERIC) for (const b of ALPHANUMERIC) yield* offer(`${x}${a}${b}`);
}

/** The first candidate not in `taken`, or undefined when every code is held (46,656 users). */
export function freeUserCode(firstName: string, lastName: string, taken: ReadonlySet<string>): string | undefined {
  for (const code of userCodeCandidates(firstName, lastName)) if (!taken.has(code)) return code;
  return undefined;
}
