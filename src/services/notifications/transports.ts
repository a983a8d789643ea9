import nodemailer from 'nodemailer';
import type { DbOrTx } from '../../db/client';
import { domainError } from '../../domain/errors';
import { getConfigs } from '../configuration/settings';

/**
 * How an email leaves UMIG. Two transports: SMTP (nodemailer) for a service that can reach a mail
 * server, and a generic HTTPS JSON API for hosts that only allow HTTPS egress (Forge functions).
 * Both carry the outbox row id, as the Message-ID and as an Idempotency-Key, so a message sent
 * again after a crash can be recognised as the same one by the receiving side.
 */

export interface OutgoingEmail {
  /** The outbox row id; stable across attempts. */
  id: string;
  from: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
}

export interface SendResult {
  /** Addresses the server refused while accepting the message for the others. */
  rejected: string[];
}

export interface EmailTransport {
  readonly name: string;
  /** Resolves once the server accepted the message; rejects when it did not. */
  send(email: OutgoingEmail): Promise<SendResult>;
  close?(): void | Promise<void>;
}

/**
 * A refusal that retrying the same message will not fix (a bad recipient, a message the API
 * rejects as malformed): the outbox marks the row FAILED at once instead of backing off.
 */
export class PermanentDeliveryError extends Error {
  override readonly name = 'PermanentDeliveryError';
}

/** The Message-ID: the outbox id at the sender's domain, so receivers can drop a duplicate. */
export function messageIdOf(email: Pick<OutgoingEmail, 'id' | 'from'>): string {
  const domain = /@([^\s@<>]+)>?\s*$/.exec(email.from)?.[1] ?? 'umig.invalid';
  return `<${email.id}@${domain}>`;
}

interface SmtpError {
  code?: string;
  responseCode?: number;
}

/** SMTP 5xx on the envelope or the message is the server's final word on that message. */
function isPermanentSmtpError(error: unknown): boolean {
  const { code, responseCode } = (error ?? {}) as SmtpError;
  return (code === 'EENVELOPE' || code === 'EMESSAGE') && typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600;
}

/** Loopback hosts: the only ones an email may reach without TLS (a relay on the same machine). */
export function isLoopbackHost(host: string): boolean {
  const name = host.trim().toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  return name === 'localhost' || name === '::1' || /^127(\.\d{1,3}){3}$/.test(name);
}

/** Thrown when a transport would send credentials or mail over an unencrypted connection. */
export class InsecureTransportError extends Error {
  override readonly name = 'InsecureTransportError';
}

export interface SmtpSettings {
  host: string;
  port: number;
  /** true: TLS from the first byte (465); false: STARTTLS when offered. */
  secure: boolean;
  user?: string;
  password?: string;
  /** Milliseconds; bounded so a hung server cannot outlive the outbox claim lease. */
  timeoutMs?: number;
}

export function createSmtpTransport(settings: SmtpSettings): EmailTransport {
  const timeout = settings.timeoutMs ?? 60_000;
  const mailer = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    // Credentials and mail never cross a network in clear: without implicit TLS the server must
    // offer STARTTLS (and its certificate must verify), or nothing is sent. Only a relay on this
    // machine may be spoken to in plain text.
    requireTLS: !settings.secure && !isLoopbackHost(settings.host),
    ignoreTLS: false,
    tls: { rejectUnauthorized: true, minVersion: 'TLSv1.2' },
    auth: settings.user ? { user: settings.user, pass: settings.password ?? '' } : undefined,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    name: 'SMTP',
    async send(email) {
      try {
        const info = await mailer.sendMail({
          from: email.from,
          to: email.to,
          subject: email.subject,
          html: email.html,
          text: email.text,
          messageId: messageIdOf(email),
          headers: { 'X-UMIG-Outbox-Id': email.id, 'Auto-Submitted': 'auto-generated' },
        });
        return { rejected: (info.rejected ?? []).map(String) };
      } catch (error) {
        if (isPermanentSmtpError(error)) throw new PermanentDeliveryError(error instanceof Error ? error.message : String(error), { cause: error });
        throw error;
      }
    },
    close() {
      mailer.close();
    },
  };
}

export interface HttpSettings {
  url: string;
  /** Sent as "Authorization: Bearer …". */
  token?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * POSTs each email as JSON ({ messageId, from, to, subject, html, text }) to the configured URL.
 * Any 2xx is acceptance. 400, 413 and 422 mean this message will never be accepted; everything
 * else (401/403 from a wrong token, 5xx, timeouts) is retried, since fixing the setting fixes it.
 */
export function createHttpTransport(settings: HttpSettings): EmailTransport {
  const problem = httpUrlProblem(settings.url);
  if (problem) throw new InsecureTransportError(problem);
  const send = settings.fetch ?? fetch;
  const timeout = settings.timeoutMs ?? 30_000;
  return {
    name: 'HTTP',
    async send(email) {
      const messageId = messageIdOf(email);
      const response = await send(settings.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': email.id,
          ...(settings.token ? { authorization: `Bearer ${settings.token}` } : {}),
        },
        body: JSON.stringify({ messageId, from: email.from, to: email.to, subject: email.subject, html: email.html, text: email.text }),
        signal: AbortSignal.timeout(timeout),
      });
      if (response.ok) return { rejected: [] };
      const detail = (await response.text().catch(() => '')).slice(0, 300);
      const message = `The email API answered ${response.status}${detail ? `: ${detail}` : ''}`;
      if ([400, 413, 422].includes(response.status)) throw new PermanentDeliveryError(message);
      throw new Error(message);
    },
  };
}

/** Why an email API URL is refused (not https://, except on this machine), or null when it is fine. */
export function httpUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `The email API URL "${url}" is not a URL.`;
  }
  if (parsed.protocol === 'https:') return null;
  if (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname)) return null;
  return 'The email API URL must start with https:// (plain http:// only to this machine), so the token and the messages are never sent in clear.';
}

/** The transport's secrets, from the service's settings (src/server/config.ts); none by default. */
export interface EmailTransportCredentials {
  smtpUser?: string | undefined;
  smtpPassword?: string | undefined;
  httpToken?: string | undefined;
}

/**
 * The transport the settings choose (email.transport: SMTP or HTTP). Credentials never live in the
 * database: UMIG_SMTP_USER / UMIG_SMTP_PASSWORD and UMIG_EMAIL_HTTP_TOKEN are the service's
 * settings, passed in. VALIDATION when the chosen transport has no host or URL, or an http:// URL.
 */
export async function transportFromSettings(db: DbOrTx, credentials: EmailTransportCredentials = {}): Promise<EmailTransport> {
  const settings = await getConfigs(db, null, ['email.transport', 'email.smtp.host', 'email.smtp.port', 'email.smtp.secure', 'email.http.url']);
  if (settings['email.transport'] === 'HTTP') {
    if (!settings['email.http.url']) throw domainError('VALIDATION', 'Emails go through the HTTP API, but the setting email.http.url is empty.');
    const problem = httpUrlProblem(settings['email.http.url']);
    if (problem) throw domainError('VALIDATION', problem);
    return createHttpTransport({ url: settings['email.http.url'], token: credentials.httpToken });
  }
  if (!settings['email.smtp.host']) throw domainError('VALIDATION', 'Emails go through SMTP, but the setting email.smtp.host is empty.');
  return createSmtpTransport({
    host: settings['email.smtp.host'],
    port: settings['email.smtp.port'],
    secure: settings['email.smtp.secure'],
    user: credentials.smtpUser,
    password: credentials.smtpPassword,
  });
}
