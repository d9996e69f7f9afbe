import { LogLevelVariable, SwitchVariable, parseEnvironment, wholeNumberVariable } from '@tessera/contracts';
import { parseDatabaseUrl, type DatabaseTarget } from '@tessera/store';
import { z } from 'zod';
import { RedisUrl } from '../redis-url';

/** The worker process's configuration, read from the environment once at start. */
export interface WorkerConfig {
  readonly database: DatabaseTarget;
  readonly redisUrl: string;
  readonly pepper: string;
  readonly smtpUrl: string | null;
  readonly mailFrom: string;
  readonly scanIntervalSeconds: number;
  readonly allowPrivateNetworks: boolean;
  readonly logLevel: string;
}

/** A variable the worker cannot run without: when it is missing, the message says what it must hold. */
function required(what: string): z.ZodString {
  return z.string({ error: (issue) => (issue.input === undefined ? `required (${what})` : undefined) });
}

const Env = z.object({
  DATABASE_URL: required('the same database as the API processes'),
  REDIS_URL: required('the same Redis as the API processes, redis://… or rediss://…').pipe(RedisUrl),
  TESSERA_PEPPER: required("the API processes' pepper, at least 32 characters").min(32, 'must be the API processes\' pepper (at least 32 characters)'),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  TESSERA_MAIL_FROM: z.string().min(3).default('Tessera <tessera@localhost>'),
  TESSERA_SCAN_INTERVAL_SECONDS: wholeNumberVariable(1, 86_400).default(60),
  TESSERA_WEBHOOK_ALLOW_PRIVATE_NETWORKS: SwitchVariable.default('false'),
  LOG_LEVEL: LogLevelVariable.default('info'),
});

/** Validates the environment; throws an Error naming every problem. */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const parsed = parseEnvironment(Env, env, ['DATABASE_URL', 'REDIS_URL', 'TESSERA_PEPPER', 'SMTP_URL']);
  if (!parsed.ok) throw new Error(`Invalid configuration:\n${parsed.problems.map((p) => `  - ${p}`).join('\n')}`);
  const e = parsed.value;
  const database = parseDatabaseUrl(e.DATABASE_URL);
  if ('error' in database) throw new Error(`Invalid configuration:\n  - DATABASE_URL: ${database.error}`);
  return {
    database,
    redisUrl: e.REDIS_URL,
    pepper: e.TESSERA_PEPPER,
    smtpUrl: e.SMTP_URL ?? null,
    mailFrom: e.TESSERA_MAIL_FROM,
    scanIntervalSeconds: e.TESSERA_SCAN_INTERVAL_SECONDS,
    allowPrivateNetworks: e.TESSERA_WEBHOOK_ALLOW_PRIVATE_NETWORKS === 'true',
    logLevel: e.LOG_LEVEL,
  };
}
