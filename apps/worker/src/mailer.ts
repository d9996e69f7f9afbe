import nodemailer from 'nodemailer';
import SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { Mailer } from './handlers/ports';

/** An SMTP mailer (nodemailer) for `smtp://` or `smtps://` URLs; `from` is the sender address. */
export function createMailer(smtpUrl: string, from: string): Mailer {
  // Bounded well inside a delivery's claim (5 min): a stuck server fails the attempt, it is retried.
  // The transport is built here because createTransport takes a URL's settings only from the URL
  // (its second argument holds defaults for messages, not for the connection).
  const transport = nodemailer.createTransport(
    new SMTPTransport({ url: smtpUrl, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000, dnsTimeout: 10_000 }),
  );
  return {
    async send(message) {
      await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text });
    },
  };
}
