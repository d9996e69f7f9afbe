import { createServer, type Server, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../src';
import { startMailSink, type MailSink } from '../src/testing';

// A delivery's claim hides it from scans for 5 minutes: an SMTP server that stops answering must
// fail the attempt well before that, or the next scan sends the notice again beside it.
describe('the SMTP mailer', () => {
  let server: Server;
  let url: string;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    // Accepts connections and never says a word (no greeting).
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `smtp://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('gives up on a server that sends no greeting after its own 15 s, not nodemailer\'s default 30 s', { timeout: 40_000 }, async () => {
    const started = Date.now();
    await expect(createMailer(url, 'Tessera <tessera@test>').send({ to: 'security@shop.test', subject: 's', text: 't' }, 60_000)).rejects.toThrow(/Greeting never received/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});

/** How a promise settled within `ms`: `sent`, the error's message, or `still sending`. */
async function settle(sending: Promise<void>, ms: number): Promise<string> {
  const waited = new Promise<string>((resolve) => setTimeout(() => resolve('still sending'), ms).unref());
  return Promise.race([sending.then(() => 'sent', (error: Error) => error.message), waited]);
}

// nodemailer's socket timeout counts silence only: a server that keeps talking, or answers each
// command just inside it, held a send for ever, past the delivery's 5-minute claim, after which a
// scan claims the delivery again and a second copy goes out. Each send has a limit of its own.
describe('the time limit of one e-mail', () => {
  const message = { to: 'security@shop.test', subject: 's', text: 't' };
  let dripping: Server;
  let drippingUrl: string;
  let mail: MailSink;

  beforeAll(async () => {
    // Greets, then answers EHLO with a continuation line ("250-…") every 100 ms, and never a last one.
    dripping = createServer((socket) => {
      socket.write('220 drip.test ESMTP\r\n');
      socket.once('data', () => {
        const timer = setInterval(() => socket.write('250-drip.test\r\n'), 100);
        socket.on('close', () => clearInterval(timer));
      });
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => dripping.listen(0, '127.0.0.1', resolve));
    drippingUrl = `smtp://127.0.0.1:${(dripping.address() as AddressInfo).port}`;
    mail = await startMailSink();
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => dripping.close(() => resolve()));
    await mail.close();
  });

  it('still speaks TLS from the start to an smtps:// server, on the socket it opens itself', async () => {
    const secure = await startMailSink({ secure: true });
    try {
      await createMailer(secure.url, 'Tessera <tessera@test>').send(message, 10_000);
      expect(secure.messages.map((m) => m.to)).toEqual([['security@shop.test']]);
    } finally {
      await secure.close();
    }
  });

  it('fails at its limit against a server that never stops answering', async () => {
    const started = Date.now();
    expect(await settle(createMailer(drippingUrl, 'Tessera <tessera@test>').send(message, 1_000), 5_000)).toBe('The mail server did not take the message within 1 s.');
    // Not stuck: well before the 5 s the server would go on for (slack for a busy machine).
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('sends nothing once its limit has passed: a server slow to take the recipient never gets the message', async () => {
    mail.stallMs = 2_000;
    expect(await settle(createMailer(mail.url, 'Tessera <tessera@test>').send(message, 500), 5_000)).toBe('The mail server did not take the message within 0.5 s.');
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(mail.messages).toEqual([]);
  });
});

/** This machine's first address that is not loopback: a mail server reached over the network. */
const NETWORK_ADDRESS = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

// A server's offer of STARTTLS travels in clear: someone on the path who strips it would get the
// login and every notice in clear, so over the network the upgrade is required.
describe.skipIf(!NETWORK_ADDRESS)(`STARTTLS to a mail server on another host (${NETWORK_ADDRESS})`, () => {
  const message = { to: 'security@shop.test', subject: 's', text: 't' };

  it('refuses to send in clear to a server that offers no STARTTLS', async () => {
    const plain = await startMailSink({ host: NETWORK_ADDRESS });
    try {
      await expect(createMailer(plain.url, 'Tessera <tessera@test>').send(message, 10_000)).rejects.toThrow(/STARTTLS/);
      expect(plain.messages).toEqual([]);
    } finally {
      await plain.close();
    }
  });

  it('sends once the server upgrades the connection to TLS', async () => {
    const upgrading = await startMailSink({ host: NETWORK_ADDRESS, starttls: true });
    try {
      await createMailer(upgrading.url, 'Tessera <tessera@test>').send(message, 10_000);
      expect(upgrading.messages.map((m) => m.to)).toEqual([['security@shop.test']]);
    } finally {
      await upgrading.close();
    }
  });

  it('sends in clear when the URL says so (a relay without TLS on a trusted network)', async () => {
    const plain = await startMailSink({ host: NETWORK_ADDRESS });
    try {
      await createMailer(`${plain.url}?requireTLS=false`, 'Tessera <tessera@test>').send(message, 10_000);
      expect(plain.messages.map((m) => m.to)).toEqual([['security@shop.test']]);
    } finally {
      await plain.close();
    }
  });
});
