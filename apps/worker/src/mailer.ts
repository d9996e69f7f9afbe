import nodemailer from 'nodemailer';
import type { Mailer } from './handlers/ports';

/** An SMTP mailer (nodemailer) for `smtp://` or `smtps://` URLs; `from` is the sender address. */
export function createMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(message) {
      await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text });
    },
  };
}
