/**
 * Local sinks for the test suites of Tessera's workspaces (`@tessera/worker/testing`): a webhook
 * receiver and an SMTP server that record what they get. Not for production code, which a
 * dependency rule enforces (`npm run lint`); `smtp-server` is a development dependency.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A local HTTP endpoint that records webhook requests and answers with `status`, `delayMs` after each arrived. */
export interface WebhookSink {
  readonly url: string;
  readonly requests: { headers: IncomingHttpHeaders; body: string }[];
  status: number;
  /** How long the answer waits once the request is recorded (a slow receiver). */
  delayMs: number;
  close(): Promise<void>;
}

export async function startWebhookSink(): Promise<WebhookSink> {
  const requests: WebhookSink['requests'] = [];
  const sink = { status: 204, delayMs: 0 };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push({ headers: req.headers, body });
      setTimeout(() => {
        res.statusCode = sink.status;
        res.end();
      }, sink.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(sink, {
    url: `http://127.0.0.1:${port}/tessera-hook`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/** A local SMTP server that records the messages it receives. */
export interface MailSink {
  readonly url: string;
  readonly messages: { to: string[]; raw: string }[];
  /** How long it takes to accept each recipient (a slow or tarpitting server). */
  stallMs: number;
  close(): Promise<void>;
}

/**
 * With `secure`, TLS from the start (`smtps://`, smtp-server's own self-signed certificate); with
 * `starttls`, plain SMTP that offers STARTTLS with that certificate. `host` is where it listens and
 * what its URL names (127.0.0.1 by default).
 */
export async function startMailSink({ secure = false, starttls = false, host = '127.0.0.1' } = {}): Promise<MailSink> {
  const messages: MailSink['messages'] = [];
  const sink = { stallMs: 0 };
  const server = new SMTPServer({
    secure,
    authOptional: true,
    disabledCommands: starttls ? [] : ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      setTimeout(() => callback(), sink.stallMs);
    },
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString()));
      stream.on('end', () => {
        messages.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  const { port } = (server.server.address() as AddressInfo);
  const url = secure || starttls ? `${secure ? 'smtps' : 'smtp'}://${host}:${port}?tls.rejectUnauthorized=false` : `smtp://${host}:${port}`;
  return Object.assign(sink, { url, messages, close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
}

/** Undoes the MIME encodings nodemailer uses for plain text: Q-encoded header words, quoted-printable body. */
export function decodeMail(raw: string): string {
  const bytes = (text: string) => Buffer.from(text.replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
  return raw
    .replace(/\r\n[ \t]+/g, ' ')
    .replace(/\?=[ \t]+=\?UTF-8\?Q\?/gi, '') // adjacent encoded words join without the space between them
    .replace(/=\?UTF-8\?Q\?([^?]*)\?=/gi, (_m, word: string) => bytes(word.replace(/_/g, ' ')))
    .replace(/=\r\n/g, '')
    .replace(/(=[0-9A-F]{2})+/g, (m) => bytes(m));
}
