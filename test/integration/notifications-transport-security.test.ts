import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { SMTPServer } from 'smtp-server';
import { createHttpTransport, createSmtpTransport, type OutgoingEmail } from '../../src/services/notifications/transports';

/**
 * Email credentials and messages never cross a network in clear: SMTP needs TLS (implicit, or
 * STARTTLS that the server must offer) unless the server is on this machine, and the HTTP email
 * API is only ever called over https:// (plain http:// only on loopback).
 */

const EMAIL: OutgoingEmail = { id: '0b6d6a52-5d0b-4c56-8f3c-000000000001', from: 'umig@bank.example', to: ['ops@example.com'], subject: 'S', html: '<p>x</p>', text: 'x' };

/** This machine's first address that is not loopback: reaching it is "over the network" for the transport. */
function networkAddress(): string {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const address of addresses ?? []) if (!address.internal && address.family === 'IPv4') return address.address;
  }
  throw new Error('This machine has no non-loopback IPv4 address to reach the test SMTP server by.');
}

describe('SMTP without TLS', () => {
  const seen = { auth: [] as string[], messages: 0 };
  let server: SMTPServer;
  let port: number;

  beforeAll(async () => {
    // A server that offers no STARTTLS and would take a password in clear.
    server = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authOptional: true,
      disableReverseLookup: true,
      logger: false,
      onAuth(auth, _session, callback) {
        seen.auth.push(`${auth.username}:${auth.password ?? ''}`);
        callback(null, { user: auth.username });
      },
      onData(stream, _session, callback) {
        stream.resume();
        stream.on('end', () => {
          seen.messages += 1;
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    port = (server.server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    seen.auth.length = 0;
    seen.messages = 0;
  });

  test('a server across the network that offers no STARTTLS gets neither the password nor the message', async () => {
    const transport = createSmtpTransport({ host: networkAddress(), port, secure: false, user: 'umig', password: 'pa55-in-clear', timeoutMs: 5_000 });
    try {
      await expect(transport.send(EMAIL)).rejects.toThrow(/STARTTLS|TLS/i);
    } finally {
      await transport.close?.();
    }
    expect(seen).toEqual({ auth: [], messages: 0 });
  });

  test('a relay on this machine (loopback) may still be spoken to in plain text', async () => {
    const transport = createSmtpTransport({ host: '127.0.0.1', port, secure: false, user: 'umig', password: 'local', timeoutMs: 5_000 });
    try {
      await expect(transport.send(EMAIL)).resolves.toEqual({ rejected: [] });
    } finally {
      await transport.close?.();
    }
    expect(seen).toEqual({ auth: ['umig:local'], messages: 1 });
  });
});

describe('the HTTP email API', () => {
  // (The setting email.http.url itself is seeded with an https:// validation pattern.)
  test('an http:// URL off this machine is refused before anything is sent; https:// and loopback http:// are accepted', async () => {
    let calls = 0;
    const fetchStub = (async () => {
      calls += 1;
      return new Response('{}', { status: 202 });
    }) as typeof fetch;
    expect(() => createHttpTransport({ url: 'http://mail-api.example/send', token: 'secret', fetch: fetchStub })).toThrow(/https:\/\//);
    expect(calls).toBe(0);
    await createHttpTransport({ url: 'https://mail-api.example/send', token: 'secret', fetch: fetchStub }).send(EMAIL);
    await createHttpTransport({ url: 'http://127.0.0.1:9/send', fetch: fetchStub }).send(EMAIL);
    expect(calls).toBe(2);
  });

});
