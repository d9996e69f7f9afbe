import nodemailer from 'nodemailer';
import SMTPTransport from 'nodemailer/lib/smtp-transport';
import { connect, type Socket } from 'node:net';
import type { Mailer } from './handlers/ports';

/** An SMTP mailer (nodemailer) for `smtp://` or `smtps://` URLs; `from` is the sender address. */
export function createMailer(smtpUrl: string, from: string): Mailer {
  // Each step gives up on a server that falls silent. The transport is built here because
  // createTransport takes a URL's settings only from the URL (its second argument holds defaults
  // for messages, not for the connection).
  const settings = { url: smtpUrl, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000, dnsTimeout: 10_000 };
  return {
    async send(message, timeoutMs) {
      // Silence is not the only way to stall: a server that keeps talking never times out. So the
      // send opens its own socket (getSocket) and destroys it at `timeoutMs`: once the attempt has
      // failed, nothing more reaches the server, and a retry cannot run beside a send still going.
      let socket: Socket | null = null;
      let expired = false;
      const transport = nodemailer.createTransport(
        new SMTPTransport({
          ...settings,
          getSocket(options, callback) {
            if (expired) return callback(new Error('The time limit passed before connecting.'), null);
            // nodemailer's own default port; it upgrades the socket to TLS for smtps:// (and 465).
            socket = connect({ host: options.host ?? 'localhost', port: Number(options.port) || (options.secure ? 465 : 587) });
            callback(null, { connection: socket });
          },
        }),
      );
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<never>((_resolve, fail) => {
        timer = setTimeout(() => {
          expired = true;
          socket?.destroy();
          fail(new Error(`The mail server did not take the message within ${timeoutMs / 1000} s.`));
        }, timeoutMs);
      });
      try {
        await Promise.race([transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text }), limit]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
