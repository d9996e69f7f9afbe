import nodemailer from 'nodemailer';
import SMTPTransport from 'nodemailer/lib/smtp-transport';
import { connect, isIP, type Socket } from 'node:net';
import type { Mailer } from './handlers/ports';

/** How long the mail server's address may take to resolve and accept a connection. */
const CONNECT_TIMEOUT_MS = 15_000;

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

/** A mail server on this host: the connection never leaves it. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || (isIP(host) === 4 && host.startsWith('127.')) || host === '[::1]' || host === '::1';
}

/**
 * An SMTP mailer (nodemailer) for `smtp://` or `smtps://` URLs; `from` is the sender address.
 * Over `smtp://` to another host, the server must upgrade to TLS (STARTTLS): otherwise someone on
 * the path who strips its offer from the greeting would read the login and every notice. A relay
 * without TLS on a trusted network takes `?requireTLS=false` in the URL.
 */
export function createMailer(smtpUrl: string, from: string): Mailer {
  // Each step gives up on a server that falls silent (connecting: see getSocket below). The
  // transport is built here because createTransport takes a URL's settings only from the URL (its
  // second argument holds defaults for messages, not for the connection); the URL's own query
  // parameters (`?requireTLS=false`) win over these.
  const requireTLS = smtpUrl.toLowerCase().startsWith('smtp:') && !isLoopback(hostOf(smtpUrl));
  const settings = { url: smtpUrl, greetingTimeout: 15_000, socketTimeout: 60_000, requireTLS };
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
            const host = options.host ?? 'localhost';
            const port = Number(options.port) || (options.secure ? 465 : 587);
            const opened = connect({ host, port });
            // nodemailer takes a socket it is handed as connected already, so its own connection
            // and DNS timeouts do not apply: this one covers both, with their plain message.
            const connecting = setTimeout(
              () => opened.destroy(new Error(`Connection timeout: ${host}:${port} did not accept a connection within ${CONNECT_TIMEOUT_MS / 1000} s.`)),
              CONNECT_TIMEOUT_MS,
            );
            opened.once('connect', () => clearTimeout(connecting)).once('close', () => clearTimeout(connecting));
            socket = opened;
            callback(null, { connection: opened });
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
