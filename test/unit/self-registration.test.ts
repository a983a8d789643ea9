import type { InvokeRemoteInput } from '@forge/bridge';
import { SERVICE_INVOKE_PATH, type RemoteResponse } from '../../static/shared/bridge';
import { withSelfRegistration } from '../../static/shared/self-registration';

/** A fake UMIG service: the account is unknown until 'session/register' is called. */
function fakeService(afterRegistration: 'ok' | 'waiting') {
  const calls: string[] = [];
  let registered = false;
  const transport = async (input: InvokeRemoteInput): Promise<RemoteResponse> => {
    const { functionKey, payload } = input.body as { functionKey: string; payload: unknown };
    calls.push(`${functionKey} ${JSON.stringify(payload)}`);
    if (functionKey === 'session/register') {
      registered = true;
      return { status: 200, body: { ok: true, data: { state: afterRegistration === 'ok' ? 'ACTIVE' : 'AWAITING_APPROVAL' } } };
    }
    if (!registered) return { status: 200, body: { ok: false, error: { code: 'UNKNOWN_USER', message: 'not registered', details: { access: 'UNREGISTERED' } } } };
    if (afterRegistration === 'waiting') return { status: 200, body: { ok: false, error: { code: 'UNKNOWN_USER', message: 'waiting', details: { access: 'AWAITING_APPROVAL' } } } };
    return { status: 200, body: { ok: true, data: functionKey } };
  };
  return { calls, transport };
}

const call = (functionKey: string): InvokeRemoteInput => ({ path: SERVICE_INVOKE_PATH, method: 'POST', body: { functionKey, payload: {} } });

describe('self-registration in the apps’ client', () => {
  test('an unregistered account is registered once, with the Confluence profile as hints, and the calls are repeated', async () => {
    const service = fakeService('ok');
    const transport = withSelfRegistration(service.transport, async () => ({ displayName: 'Noor Haddad', email: 'noor@example.com' }));
    const answers = await Promise.all([transport(call('session/me')), transport(call('runsheet/get'))]);
    expect(answers.map((answer) => answer.body)).toEqual([
      { ok: true, data: 'session/me' },
      { ok: true, data: 'runsheet/get' },
    ]);
    expect(service.calls.filter((line) => line.startsWith('session/register'))).toEqual(['session/register {"displayName":"Noor Haddad","email":"noor@example.com"}']);
  });

  test('a newcomer waiting for approval gets the service’s refusal, and registration is not tried again', async () => {
    const service = fakeService('waiting');
    const transport = withSelfRegistration(service.transport, () => Promise.reject(new Error('Confluence is down')));
    expect((await transport(call('runsheet/get'))).body).toMatchObject({ ok: false, error: { message: 'waiting' } });
    expect((await transport(call('steps/get'))).body).toMatchObject({ ok: false, error: { message: 'waiting' } });
    expect(service.calls).toEqual(['runsheet/get {}', 'session/register {}', 'runsheet/get {}', 'steps/get {}']);
  });
});
