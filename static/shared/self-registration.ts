import { readEnvelope, SERVICE_INVOKE_PATH, type RemoteTransport } from './bridge';
import { currentConfluenceProfile } from './confluence-users';

/**
 * Self-registration, for every app at once: when the service answers that the caller's Confluence
 * account is not registered (UNKNOWN_USER with details.access UNREGISTERED), the client registers
 * it once ('session/register', with the name and email Confluence shows as hints) and repeats the
 * call. The service decides what a newcomer may do: the repeated call either works (newcomers are
 * NORMAL) or answers with the "waiting for approval" sentence, which the app shows as it is.
 */

const REGISTER = 'session/register';

function isUnregistered(body: unknown): boolean {
  const envelope = readEnvelope(body);
  if (!envelope || envelope.ok) return false;
  const details = envelope.error.details as { access?: unknown } | undefined;
  return envelope.error.code === 'UNKNOWN_USER' && details?.access === 'UNREGISTERED';
}

export function withSelfRegistration(transport: RemoteTransport, readProfile = currentConfluenceProfile): RemoteTransport {
  // One registration per page, shared by the calls that were refused at the same time.
  let registration: Promise<void> | undefined;
  const register = async () => {
    // Without a profile the service still registers the account (as "Confluence user …").
    const hints = await readProfile().catch(() => ({}));
    await transport({ path: SERVICE_INVOKE_PATH, method: 'POST', headers: { 'content-type': 'application/json' }, body: { functionKey: REGISTER, payload: hints } });
  };
  return async (input) => {
    const response = await transport(input);
    const functionKey = (input.body as { functionKey?: unknown } | undefined)?.functionKey;
    if (functionKey === REGISTER || !isUnregistered(response.body)) return response;
    registration ??= register().catch(() => undefined);
    await registration;
    return transport(input);
  };
}
