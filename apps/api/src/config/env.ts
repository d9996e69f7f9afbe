import { LogLevelVariable, SwitchVariable, parseEnvironment, wholeNumberVariable } from '@tessera/contracts';
// The URL checks alone, not the packages' indexes (MikroORM, ioredis, nodemailer): the CLI checks
// its configuration before it loads the app.
import { DEFAULT_DATABASE_URL, parseDatabaseUrl, type DatabaseTarget } from '@tessera/store/database-url';
import { RedisUrl } from '@tessera/worker/redis-url';
import { isIP } from 'node:net';
import { z } from 'zod';

/** Tessera's configuration, read from the environment once at boot. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly database: DatabaseTarget;
  readonly databaseUrl: string;
  /** Unset: embedded mode (revocations and throttling in this process only). */
  readonly redisUrl: string | null;
  readonly issuer: string;
  /** Hex or base64 key for secret hashes; null means "embedded: generate and keep in the data folder". */
  readonly pepper: string | null;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Apply pending migrations at start (embedded SQLite only, unless forced). */
  readonly migrateOnStart: boolean;
  /**
   * Which proxies to believe in X-Forwarded-For (Fastify's trustProxy): false (default), or a
   * comma-separated list of proxy addresses/CIDRs; true trusts every hop.
   */
  readonly trustProxy: boolean | string;
  /** Failed authentications allowed per client ID / per address per window before 429. */
  readonly throttle: { readonly perClient: number; readonly perAddress: number; readonly windowSeconds: number };
  /** Reminders and alerts: where e-mail goes out, and how often secrets are scanned. */
  readonly alerts: {
    readonly smtpUrl: string | null;
    readonly mailFrom: string;
    readonly scanIntervalSeconds: number;
    /** Run the worker's handlers in this process (embedded mode's default). */
    readonly embeddedWorker: boolean;
    /** Allow webhook contacts on loopback and private addresses (refused by default: SSRF). */
    readonly allowPrivateNetworks: boolean;
  };
}

const Env = z.object({
  PORT: wholeNumberVariable(0, 65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z.string().min(1).default(DEFAULT_DATABASE_URL),
  REDIS_URL: RedisUrl.optional(),
  TESSERA_ISSUER: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  TESSERA_PEPPER: z.string().min(32, 'must be at least 32 characters of random key material').optional(),
  LOG_LEVEL: LogLevelVariable.default('info'),
  TESSERA_MIGRATE_ON_START: SwitchVariable.optional(),
  TESSERA_TRUST_PROXY: z
    .string()
    .superRefine((v, ctx) => {
      // A hop count cannot tell a proxy from a client that connects directly and sends its own
      // X-Forwarded-For; Fastify (5.12+) ignores it, so it is refused here rather than silently unused.
      if (/^\d+$/.test(v)) {
        ctx.addIssue({ code: 'custom', message: 'a number of hops is not accepted (it cannot tell your proxy from a client): list your proxies\' addresses/CIDRs' });
      } else if (v !== 'true' && v !== 'false' && !v.split(',').every((entry) => isAddressOrCidr(entry.trim()))) {
        ctx.addIssue({ code: 'custom', message: 'must be true, false, or proxy addresses/CIDRs separated by commas' });
      }
    })
    .default('false'),
  TESSERA_THROTTLE_PER_CLIENT: wholeNumberVariable(1).default(10),
  TESSERA_THROTTLE_PER_ADDRESS: wholeNumberVariable(1).default(100),
  TESSERA_THROTTLE_WINDOW_SECONDS: wholeNumberVariable(1).default(60),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  TESSERA_MAIL_FROM: z.string().min(3).default('Tessera <tessera@localhost>'),
  TESSERA_SCAN_INTERVAL_SECONDS: wholeNumberVariable(1, 86_400).default(60),
  TESSERA_EMBEDDED_WORKER: SwitchVariable.optional(),
  TESSERA_WEBHOOK_ALLOW_PRIVATE_NETWORKS: SwitchVariable.default('false'),
});

function isAddressOrCidr(value: string): boolean {
  const [address, prefix, ...rest] = value.split('/');
  if (rest.length > 0 || !address) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** A configuration problem, reported at boot with every offending variable named. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment; throws `ConfigError` naming every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty counts as unset, but not where a default would silently change the deployment.
  const parsed = parseEnvironment(Env, env, ['DATABASE_URL', 'REDIS_URL', 'TESSERA_PEPPER', 'SMTP_URL']);
  if (!parsed.ok) throw new ConfigError(parsed.problems);
  const e = parsed.value;
  const database = parseDatabaseUrl(e.DATABASE_URL);
  if ('error' in database) throw new ConfigError([`DATABASE_URL: ${database.error}`]);
  const embedded = database.dialect === 'sqlite';
  if (!embedded && !e.TESSERA_PEPPER) {
    throw new ConfigError(['TESSERA_PEPPER: required with a PostgreSQL database (every API process must share it)']);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    database,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL ?? null,
    issuer: (e.TESSERA_ISSUER ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    pepper: e.TESSERA_PEPPER ?? null,
    logLevel: e.LOG_LEVEL,
    migrateOnStart: e.TESSERA_MIGRATE_ON_START ? e.TESSERA_MIGRATE_ON_START === 'true' : embedded,
    trustProxy: e.TESSERA_TRUST_PROXY === 'true' ? true : e.TESSERA_TRUST_PROXY === 'false' ? false : e.TESSERA_TRUST_PROXY,
    throttle: {
      perClient: e.TESSERA_THROTTLE_PER_CLIENT,
      perAddress: e.TESSERA_THROTTLE_PER_ADDRESS,
      windowSeconds: e.TESSERA_THROTTLE_WINDOW_SECONDS,
    },
    alerts: {
      smtpUrl: e.SMTP_URL ?? null,
      mailFrom: e.TESSERA_MAIL_FROM,
      scanIntervalSeconds: e.TESSERA_SCAN_INTERVAL_SECONDS,
      embeddedWorker: e.TESSERA_EMBEDDED_WORKER ? e.TESSERA_EMBEDDED_WORKER === 'true' : !e.REDIS_URL,
      allowPrivateNetworks: e.TESSERA_WEBHOOK_ALLOW_PRIVATE_NETWORKS === 'true',
    },
  };
}

/** Where embedded-mode files (the generated pepper) live: beside the SQLite database. */
export function dataDirectory(config: Config): string | null {
  if (config.database.dialect !== 'sqlite' || config.database.path === ':memory:') return null;
  const path = config.database.path;
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '.' : path.slice(0, slash) || '/';
}
