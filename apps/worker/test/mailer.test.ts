import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../src';

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
    await expect(createMailer(url, 'Tessera <tessera@test>').send({ to: 'security@shop.test', subject: 's', text: 't' })).rejects.toThrow(/Greeting never received/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
