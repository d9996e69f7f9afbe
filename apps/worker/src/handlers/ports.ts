import type { DeliveryJob } from '@tessera/contracts';

/** Where the expiry scan hands deliveries to: BullMQ in distributed mode, this process when embedded. */
export interface DeliveryQueue {
  enqueue(job: DeliveryJob): Promise<void>;
}

/** An e-mail, as the delivery handler sends it. */
export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

/** Sends e-mail (nodemailer over SMTP). */
export interface Mailer {
  /** Fails once `timeoutMs` has passed, whatever the server does, and sends nothing more after that. */
  send(message: MailMessage, timeoutMs: number): Promise<void>;
}

/** Where the workers and handlers say what happened (pino in the worker, Nest's logger when embedded). */
export interface WorkerLog {
  info(message: string): void;
  warn(message: string): void;
}

/** Reads back a webhook channel's signing secret (stored encrypted). */
export type SecretOpener = (sealed: string) => string;
