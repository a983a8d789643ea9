import { createServiceClient, ServiceError, type RemoteTransport } from '../../static/shared/bridge';

type Defs = { 'x/get': (payload: { id: number }) => { ok: true; data: { id: number } } | { ok: false; error: { code: 'NOT_FOUND'; message: string } } };

const answering = (status: number, body: unknown): RemoteTransport => async () => ({ status, body });

async function failureOf(transport: RemoteTransport): Promise<ServiceError> {
  const call = createServiceClient<Defs>(transport);
  try {
    await call('x/get', { id: 1 });
  } catch (error) {
    if (error instanceof ServiceError) return error;
    throw error;
  }
  throw new Error('the call succeeded');
}

/** The apps' client reads every route's envelope with the domain's one code list. */
describe('the apps\u2019 service client', () => {
  it('resolves with the data of a successful envelope', async () => {
    await expect(createServiceClient<Defs>(answering(200, { ok: true, data: { id: 1 } }))('x/get', { id: 1 })).resolves.toEqual({ id: 1 });
  });

  it('keeps the code and sentence of a refusal, whatever the HTTP status', async () => {
    const refused = await failureOf(answering(429, { ok: false, error: { code: 'RATE_LIMITED', message: 'Too many requests at once.' } }));
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', message: 'Too many requests at once.' });
  });

  it('turns a code outside the shared list into UNKNOWN, keeping the sentence', async () => {
    const odd = await failureOf(answering(200, { ok: false, error: { code: 'SOMETHING_NEW', message: 'A newer service said no.' } }));
    expect(odd).toMatchObject({ code: 'UNKNOWN', message: 'A newer service said no.' });
  });

  it('says UNAVAILABLE when there is no answer or a 5xx without an envelope', async () => {
    expect(await failureOf(async () => Promise.reject(new Error('network down')))).toMatchObject({ code: 'UNAVAILABLE' });
    expect(await failureOf(answering(502, '<html>Bad gateway</html>'))).toMatchObject({ code: 'UNAVAILABLE', details: { status: 502 } });
    expect(await failureOf(answering(400, 'nonsense'))).toMatchObject({ code: 'UNKNOWN' });
  });
});
