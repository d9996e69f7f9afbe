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
  close(): Promise<void>;
}

export async function startMailSink(): Promise<MailSink> {
  const messages: MailSink['messages'] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString()));
      stream.on('end', () => {
        messages.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = (server.server.address() as AddressInfo);
  return { url: `smtp://127.0.0.1:${port}`, messages, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
