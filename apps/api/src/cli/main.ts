#!/usr/bin/env node
import {
  CreateAlertChannelRequest,
  IsoDateTimeOrDate,
  ListServiceAccountsQuery,
  MAX_SIGNING_SECRET_OVERLAP_SECONDS,
  RotateAlertChannelSecretRequest,
  UpdateApiPolicyRequest,
  UpdateServiceAccountRequest,
  parseOrIssues,
} from '@tessera/contracts';
import { ADMIN_SCOPE, type Status } from '@tessera/domain';
import { DEFAULT_DATABASE_URL } from '@tessera/store/database-url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { z } from 'zod';
import { ConfigError, loadConfig, type Config } from '../config/env';
import { CLI_CONTEXT } from '../events/audit-context';
import { presentAccount, presentApi, presentCreatedSecret, presentSecret, presentUpdatedApi } from '../management/presenters';
import type { Services } from './application';
import { CliFailure, EXIT, endQuietlyOnClosedPipe, print, printList, saidOfOption, type FieldOption } from './cli-output';

/**
 * `tessera`: set-up and scripting against the database directly, through the same services and
 * domain rules as the HTTP API. Uses the server's environment. Output: text, or JSON with --json.
 */
async function withApp<T>(config: Config, work: (app: Services) => Promise<T>): Promise<T> {
  requireDatabase(config);
  return (await application()).withApp(config, work);
}

/**
 * Every command but `migrate` works on a database that exists already. A SQLite path is read from
 * the current folder (`./data/tessera.sqlite` by default): run from another folder, a command would
 * otherwise create a second, empty database there, with a pepper of its own, and succeed on it,
 * printing credentials the running server does not know.
 */
function requireDatabase(config: Config): void {
  const target = config.database;
  if (target.dialect !== 'sqlite' || target.path === ':memory:' || existsSync(target.path)) return;
  const where = isAbsolute(target.path)
    ? 'set DATABASE_URL to the database Tessera uses'
    : `a relative DATABASE_URL (the default is ${DEFAULT_DATABASE_URL}) is read from the current folder: run tessera where Tessera runs, or set DATABASE_URL`;
  throw new CliFailure(EXIT.CONFIG, `There is no database at ${resolve(target.path)}: ${where}. To make a new one, run 'tessera migrate' first.`, 'DATABASE.NOT_FOUND');
}

/**
 * The application (Nest, MikroORM, Redis: see ./application), loaded only once a command runs and
 * its configuration has been read: help, usage errors and a bad configuration are reported without
 * it, in a fraction of the time. Nothing else in this file may import it, other than as types.
 */
function application(): Promise<typeof import('./application.js')> {
  return import('./application.js');
}

/**
 * {@link withApp} for a command that works in one API (`--api`): an unknown API is reported as not
 * found (exit code 3), by every such command alike, before any work is done.
 */
async function withApi<T>(config: Config, api: string, work: (app: Services) => Promise<T>): Promise<T> {
  return withApp(config, async (app) => {
    unwrap(await app.apis.get(api));
    return work(app);
  });
}

/**
 * The value of a service's result, or its failure as the CLI reports it; `flags` (request field →
 * option, as {@link parsed} takes them) names the option of a failure about one field.
 */
function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: Parameters<typeof CliFailure.from>[0] }, flags?: Readonly<Record<string, FieldOption>>): T {
  if (result.ok) return result.value;
  throw CliFailure.from(result.error, flags);
}

/**
 * A date-time with its time zone, or a date alone, which is the start of that day in UTC: the
 * contract's rule ({@link IsoDateTimeOrDate}), as the HTTP API reads every date (a secret's
 * `expiresAt`, a rotation's `disableOthersAfter`, the audit trail's `since` and `until`). A time
 * without a zone would be read in this machine's zone, and `new Date` alone rolls a day that does
 * not exist (30 February) into the next month.
 */
function date(value: string): Date {
  const checked = IsoDateTimeOrDate.safeParse(value);
  if (!checked.success) throw new InvalidArgumentError(checked.error.issues[0]!.message);
  return new Date(checked.data);
}

function integer(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}

function list(value: string): string[] {
  return value.split(/[\s,]+/).filter(Boolean);
}

/** `--expires-at`: an ISO date, or "never" (kept as the string: commander turns a parsed null into ''). */
function expiryOption(value: string): Date | 'never' {
  return value === 'never' ? 'never' : date(value);
}

function expiresAt(value: Date | 'never' | undefined): { expiresAt?: Date | null } {
  if (value === undefined) return {};
  return { expiresAt: value === 'never' ? null : value };
}

function boolean(value: string): 'true' | 'false' {
  if (value !== 'true' && value !== 'false') throw new InvalidArgumentError('expected true or false');
  return value;
}

/** `--max-secret-lifetime`: a whole number of days, or "none" where the HTTP API takes null. */
function daysOrNone(value: string): number | 'none' {
  if (value === 'none') return 'none';
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected none or a whole number of days');
  return Number(value);
}

const FROM_STDIN = '"-" reads it from standard input, out of sight of ps and shell history';

/** The value of a secret option: itself, or standard input (one trailing newline dropped) for "-". */
async function secretFrom(option: string | undefined): Promise<string | undefined> {
  if (option !== '-') return option;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const secret = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  // An empty variable piped in must not turn into "generate one": nobody would know that secret.
  if (secret === '') throw new CliFailure(EXIT.INVALID, '--secret -: standard input is empty; pipe the secret in, or leave --secret out to have one generated.', 'REQUEST.VALIDATION_FAILED');
  return secret;
}

/**
 * Validates input with the HTTP API's contract, so both refuse the same values; each problem is
 * reported under the option it came from (`flags`: contract field → option).
 */
function parsed<S extends z.ZodType>(schema: S, input: unknown, flags: Readonly<Record<string, FieldOption>>): z.output<S> {
  const result = parseOrIssues(schema, input);
  if (result.ok) return result.value;
  const problems = result.issues.map((issue) => saidOfOption(flags[issue.path.split('.')[0]!] ?? issue.path, issue.message.replace(/^"[^"]*": /, '')));
  throw new CliFailure(EXIT.INVALID, problems.join('; '), 'REQUEST.VALIDATION_FAILED');
}

/** The version of Tessera (the api workspace's package.json, beside src/ and dist/ alike). */
function version(): string {
  return (JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string }).version;
}

export function buildProgram(config: () => Config): Command {
  const program = new Command('tessera')
    .description('Tessera: service accounts, client secrets and tokens for machines')
    .version(version(), '-V, --version', 'print the version')
    .option('--json', 'print JSON');
  const json = (): boolean => Boolean(program.opts<{ json?: boolean }>().json);

  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(async () => {
      const database = config().database; // checked before the application loads
      const { applied, pending } = await (await application()).migrateDatabase(database);
      print(json() ? { applied, pending } : applied.length ? `Applied ${applied.join(', ')}` : 'The database is up to date.', json());
    });

  program
    .command('bootstrap')
    .description('create the API if needed, and an admin service account (scope tessera:admin) with one secret')
    .requiredOption('--api <slug>', 'the API (tenant), e.g. my-api')
    .option('--name <name>', 'name of the admin account (default "admin", or "admin (2)", … when taken)')
    .action(async (options: { api: string; name?: string }) => {
      const output = await withApp(config(), async (app) => {
        unwrap(await app.apis.ensure(options.api, CLI_CONTEXT));
        const accounts = app.accounts;
        const create = (name: string) => accounts.create(options.api, { name, description: 'Created by tessera bootstrap', scopes: [ADMIN_SCOPE] }, CLI_CONTEXT);
        // Bootstrapping an API again makes one more admin account (to get back in when an admin
        // secret is lost); names are unique per API, so the default name takes the first free number.
        let result = await create(options.name ?? 'admin');
        for (let n = 2; options.name === undefined && !result.ok && result.error.code === 'ACCOUNT.NAME_TAKEN' && n <= 1000; n++) result = await create(`admin (${n})`);
        const account = unwrap(result);
        const created = unwrap(await app.secrets.add(options.api, account.id, {}, CLI_CONTEXT));
        return { api: options.api, accountId: account.id, clientId: account.clientId, secretId: created.secret.id, clientSecret: created.plaintext };
      });
      print(output, json());
    });

  const keys = program.command('keys').description('token-signing keys');
  keys
    .command('rotate')
    .description('create a new signing key; the previous one stays published until its tokens expire')
    .option('--withdraw-previous', 'for a key that may have leaked: delete every previous key now, so that the tokens they signed stop working')
    .action(async (options: { withdrawPrevious?: boolean }) => {
      const withdrawPrevious = options.withdrawPrevious === true;
      print(await withApp(config(), (app) => app.signingKeys.rotate(CLI_CONTEXT, { withdrawPrevious })), json());
    });
  keys
    .command('list')
    .description('list the published signing keys: which one signs, and until when each retired one stays published')
    .action(async () => {
      printList(
        await withApp(config(), async (app) => {
          const keys = app.signingKeys;
          const active = keys.current().kid;
          return keys.publishedKeys().map((k) => ({
            kid: k.kid,
            alg: 'EdDSA',
            active: k.kid === active,
            createdAt: k.createdAt.toISOString(),
            retiredAt: k.retiredAt?.toISOString() ?? null,
            publishedUntil: k.publishedUntil?.toISOString() ?? null,
          }));
        }),
        json(),
      );
    });

  program
    .command('reminders')
    .description('expiry reminders and alerts')
    .command('scan')
    .description('scan every API now: record due reminders and deliver them to the security contacts')
    .action(async () => {
      const summary = await withApp(config(), (app) => app.reminders.worker.scanNow());
      print(
        json()
          ? { scanned: true, ...summary }
          : `Scan done: ${summary.notices} new notice(s); deliveries: ${summary.delivered} delivered, ${summary.retry} to retry, ${summary.failed} failed.`,
        json(),
      );
      // Done, but not everything reached its contact: a script trying out a contact must see it.
      if (summary.retry > 0 || summary.failed > 0) process.exitCode = EXIT.UNDELIVERED;
    });

  const apis = program.command('apis').description('APIs (tenants) and their policies');
  apis
    .command('show')
    .description("show an API's policy")
    .argument('<api>', 'API slug')
    .action(async (api: string) => {
      print(presentApi(await withApp(config(), async (app) => unwrap(await app.apis.get(api)))), json());
    });
  apis
    .command('set')
    .description("change an API's policy (only the options given)")
    .argument('<api>', 'API slug')
    .option('--token-lifetime <seconds>', 'access token lifetime', integer)
    .option('--reminder-days <days>', 'reminder thresholds in days, distinct, in any order, e.g. 30,7,1', (v) => list(v).map(integer))
    .option('--max-secret-lifetime <days>', 'longest secret lifetime in days, or "none"', daysOrNone)
    .option('--allow-never-expires <bool>', 'whether secrets may never expire (true|false)', boolean)
    .option('--max-secrets <n>', 'most secrets per account', integer)
    .option('--unused-after <days>', 'report accounts unused this long', integer)
    .action(async (api: string, o: Record<string, unknown>) => {
      const patch = {
        ...(o.tokenLifetime !== undefined ? { tokenLifetimeSeconds: o.tokenLifetime as number } : {}),
        ...(o.reminderDays !== undefined ? { reminderThresholdsDays: o.reminderDays as number[] } : {}),
        ...(o.maxSecretLifetime !== undefined ? { maxSecretLifetimeDays: o.maxSecretLifetime === 'none' ? null : (o.maxSecretLifetime as number) } : {}),
        ...(o.allowNeverExpires !== undefined ? { allowNeverExpires: o.allowNeverExpires === 'true' } : {}),
        ...(o.maxSecrets !== undefined ? { maxSecretsPerAccount: o.maxSecrets as number } : {}),
        ...(o.unusedAfter !== undefined ? { unusedAfterDays: o.unusedAfter as number } : {}),
      };
      if (Object.keys(patch).length === 0) {
        throw new CliFailure(EXIT.INVALID, 'Give at least one option to change, e.g. --token-lifetime 600.', 'REQUEST.VALIDATION_FAILED', "see 'tessera apis set --help'");
      }
      const flags: Record<string, FieldOption> = {
        tokenLifetimeSeconds: '--token-lifetime',
        reminderThresholdsDays: '--reminder-days',
        maxSecretLifetimeDays: { option: '--max-secret-lifetime', nullAs: 'none' },
        allowNeverExpires: '--allow-never-expires',
        maxSecretsPerAccount: '--max-secrets',
        unusedAfterDays: '--unused-after',
      };
      // The HTTP API's checks first, with its codes; then the policy's own, named by an option
      // only where the user typed it (a conflict with a stored setting keeps the service's words).
      const input = parsed(UpdateApiPolicyRequest, patch, flags);
      const typed = Object.fromEntries(Object.entries(flags).filter(([field]) => field in patch));
      print(presentUpdatedApi(await withApp(config(), async (app) => unwrap(await app.apis.update(api, input, CLI_CONTEXT), typed))), json());
    });

  const accounts = program.command('accounts').description('service accounts');
  const apiOption = () => new Option('--api <slug>', 'the API (tenant)').makeOptionMandatory();
  const accountOption = () => new Option('--account <accountId>', 'the service account').makeOptionMandatory();
  accounts
    .command('list')
    .description('list the service accounts of an API')
    .addOption(apiOption())
    .addOption(new Option('--status <status>', 'filter by status').choices(['enabled', 'disabled']))
    .option('--q <text>', 'filter by name')
    .option('--limit <n>', 'page size (1-100)', integer, 100)
    .option('--cursor <cursor>', 'next page cursor')
    .action(async (o: { api: string; status?: Status; q?: string; limit: number; cursor?: string }) => {
      const query = parsed(
        ListServiceAccountsQuery,
        { limit: o.limit, ...(o.status ? { status: o.status } : {}), ...(o.q ? { q: o.q } : {}), ...(o.cursor ? { cursor: o.cursor } : {}) },
        { limit: '--limit', status: '--status', q: '--q', cursor: '--cursor' },
      );
      const page = await withApi(config(), o.api, (app) => app.accounts.list(o.api, query));
      printList(json() ? page.items.map(presentAccount) : page.items.map((a) => ({ id: a.id, clientId: a.clientId, name: a.name, status: a.status, scopes: a.scopes })), json(), page);
    });
  accounts
    .command('create')
    .description('create a service account')
    .addOption(apiOption())
    .requiredOption('--name <name>', 'account name')
    .option('--description <text>', 'description', '')
    .option('--scopes <scopes>', 'granted scopes, e.g. "products:read,products:write"', list, [])
    .action(async (o: { api: string; name: string; description: string; scopes: string[] }) => {
      const account = await withApi(config(), o.api, async (app) => unwrap(await app.accounts.create(o.api, o, CLI_CONTEXT)));
      print(presentAccount(account), json());
    });
  accounts
    .command('update')
    .description("change a service account's name, description or scopes (only the options given); narrowing the scopes stops its current tokens")
    .addOption(apiOption())
    .addOption(accountOption())
    .option('--name <name>', 'new account name')
    .option('--description <text>', 'new description ("" clears it)')
    .option('--scopes <scopes>', 'the scopes it is granted from now on, replacing the current ones, e.g. "products:read,products:write" ("" for none)', list)
    .action(async (o: { api: string; account: string; name?: string; description?: string; scopes?: string[] }) => {
      if (o.name === undefined && o.description === undefined && o.scopes === undefined) {
        throw new CliFailure(EXIT.INVALID, 'Give at least one of --name, --description or --scopes.', 'REQUEST.VALIDATION_FAILED');
      }
      const { description, ...rest } = parsed(
        UpdateServiceAccountRequest,
        { ...(o.name !== undefined ? { name: o.name } : {}), ...(o.description !== undefined ? { description: o.description } : {}), ...(o.scopes !== undefined ? { scopes: o.scopes } : {}) },
        { name: '--name', description: '--description', scopes: '--scopes' },
      );
      // As PATCH /apis/:api/service-accounts/:id does: a cleared description is the empty one.
      const patch = { ...rest, ...(description !== undefined ? { description: description ?? '' } : {}) };
      const account = await withApi(config(), o.api, async (app) => unwrap(await app.accounts.update(o.api, o.account, patch, CLI_CONTEXT)));
      print(presentAccount(account), json());
    });
  for (const status of ['enable', 'disable'] as const) {
    accounts
      .command(status)
      .description(`${status} a service account${status === 'disable' ? ' (its tokens stop working at once)' : ''}`)
      .addOption(apiOption())
      .argument('<accountId>')
      .action(async (id: string, o: { api: string }) => {
        const account = await withApi(config(), o.api, async (app) =>
          unwrap(await app.accounts.update(o.api, id, { status: status === 'enable' ? 'enabled' : 'disabled' }, CLI_CONTEXT)),
        );
        print(presentAccount(account), json());
      });
  }
  accounts
    .command('delete')
    .description('delete a service account (none of its secrets may be enabled)')
    .addOption(apiOption())
    .argument('<accountId>')
    .action(async (id: string, o: { api: string }) => {
      await withApi(config(), o.api, async (app) => unwrap(await app.accounts.delete(o.api, id, CLI_CONTEXT)));
      print(json() ? { deleted: id } : `Deleted ${id}`, json());
    });

  const secrets = program.command('secrets').description('client secrets of a service account');
  secrets
    .command('list')
    .description("list an account's secrets (hints only)")
    .addOption(apiOption())
    .addOption(accountOption())
    .action(async (o: { api: string; account: string }) => {
      const found = await withApi(config(), o.api, async (app) => unwrap(await app.secrets.list(o.api, o.account)));
      printList(found.map(presentSecret), json());
    });
  secrets
    .command('add')
    .description('add a secret; it is printed this once')
    .addOption(apiOption())
    .addOption(accountOption())
    .option('--expires-at <date>', 'expiry: an ISO-8601 date-time, a date (the start of that day, UTC), or "never" where the policy allows (default: 2 years)', expiryOption)
    .option('--description <text>', 'description')
    .action(async (o: { api: string; account: string; expiresAt?: Date | 'never'; description?: string }) => {
      const created = await withApi(config(), o.api, async (app) =>
        unwrap(await app.secrets.add(o.api, o.account, { ...expiresAt(o.expiresAt), ...(o.description ? { description: o.description } : {}) }, CLI_CONTEXT)),
      );
      print(presentCreatedSecret(created.account, created.secret, created.plaintext), json());
    });
  secrets
    .command('rotate')
    .description('add a secret, optionally scheduling the older ones to be disabled')
    .addOption(apiOption())
    .addOption(accountOption())
    .option('--expires-at <date>', 'expiry of the new secret: an ISO-8601 date-time, a date (the start of that day, UTC), or "never"', expiryOption)
    .option('--description <text>', 'description of the new secret')
    .option('--disable-others-after <date>', 'disable the older enabled secrets at this time: an ISO-8601 date-time, or a date (the start of that day, UTC)', date)
    .action(async (o: { api: string; account: string; expiresAt?: Date | 'never'; description?: string; disableOthersAfter?: Date }) => {
      const rotation = await withApi(config(), o.api, async (app) =>
        unwrap(
          await app.secrets.rotate(o.api, o.account, {
            ...expiresAt(o.expiresAt),
            ...(o.description ? { description: o.description } : {}),
            ...(o.disableOthersAfter ? { disableOthersAfter: o.disableOthersAfter } : {}),
          }, CLI_CONTEXT),
          { expiresAt: '--expires-at', description: '--description', disableOthersAfter: '--disable-others-after' },
        ),
      );
      print(
        {
          secret: presentCreatedSecret(rotation.account, rotation.secret, rotation.plaintext),
          stillEnabled: rotation.stillEnabled.map(presentSecret),
          scheduledDisableAt: rotation.scheduledDisableAt?.toISOString() ?? null,
        },
        json(),
      );
    });
  for (const status of ['enable', 'disable'] as const) {
    secrets
      .command(status)
      .description(`${status} a secret${status === 'disable' ? ' (its tokens stop working at once)' : ''}`)
      .addOption(apiOption())
      .addOption(accountOption())
      .argument('<secretId>')
      .action(async (id: string, o: { api: string; account: string }) => {
        const secret = await withApi(config(), o.api, async (app) =>
          unwrap(await app.secrets.update(o.api, o.account, id, { status: status === 'enable' ? 'enabled' : 'disabled' }, CLI_CONTEXT)),
        );
        print(presentSecret(secret), json());
      });
  }
  secrets
    .command('delete')
    .description('delete a disabled secret')
    .addOption(apiOption())
    .addOption(accountOption())
    .argument('<secretId>')
    .action(async (id: string, o: { api: string; account: string }) => {
      await withApi(config(), o.api, async (app) => unwrap(await app.secrets.delete(o.api, o.account, id, CLI_CONTEXT)));
      print(json() ? { deleted: id } : `Deleted ${id}`, json());
    });

  const channels = program.command('channels').description('security contacts: where reminders and alerts go');
  channels
    .command('list')
    .description("list an API's security contacts (never their signing secrets)")
    .addOption(apiOption())
    .action(async (o: { api: string }) => {
      printList(await withApi(config(), o.api, async (app) => {
        const service = app.channels;
        return unwrap(await service.list(o.api)).map((channel) => service.present(channel));
      }), json());
    });
  channels
    .command('add')
    .description('add a signed webhook or an e-mail address; a webhook\'s signing secret is printed this once')
    .addOption(apiOption())
    .addOption(new Option('--webhook <url>', 'an http or https URL').conflicts('email'))
    .addOption(new Option('--email <address>', 'an e-mail address').conflicts('webhook'))
    .option('--secret <secret>', `the webhook signing secret (32 to 256 characters; ${FROM_STDIN}; generated when omitted)`)
    .action(async (o: { api: string; webhook?: string; email?: string; secret?: string }) => {
      if (!o.webhook && !o.email) throw new CliFailure(EXIT.INVALID, 'Give --webhook <url> or --email <address>.', 'REQUEST.VALIDATION_FAILED');
      if (o.email && o.secret) throw new CliFailure(EXIT.INVALID, '--secret: only webhooks have a signing secret.', 'REQUEST.VALIDATION_FAILED');
      const secret = await secretFrom(o.secret);
      const flags = { url: '--webhook', address: '--email', secret: '--secret' };
      const input = parsed(CreateAlertChannelRequest, o.webhook ? { kind: 'webhook', url: o.webhook, ...(secret ? { secret } : {}) } : { kind: 'email', address: o.email }, flags);
      print(await withApi(config(), o.api, async (app) => {
        const service = app.channels;
        return service.presentCreated(unwrap(await service.create(o.api, input, CLI_CONTEXT), flags));
      }), json());
    });
  channels
    .command('rotate-secret')
    .description("give a webhook a new signing secret, printed this once; the previous one keeps signing during the overlap")
    .addOption(apiOption())
    .argument('<channelId>')
    .option('--overlap <seconds>', `how long the previous secret keeps signing (0 to ${MAX_SIGNING_SECRET_OVERLAP_SECONDS}; default 86400)`, integer)
    .option('--secret <secret>', `the new signing secret (${FROM_STDIN}; generated when omitted)`)
    .action(async (id: string, o: { api: string; overlap?: number; secret?: string }) => {
      const secret = await secretFrom(o.secret);
      const input = parsed(RotateAlertChannelSecretRequest, { ...(secret ? { secret } : {}), ...(o.overlap !== undefined ? { previousSecretValidForSeconds: o.overlap } : {}) }, { secret: '--secret', previousSecretValidForSeconds: '--overlap' });
      print(await withApi(config(), o.api, async (app) => {
        const service = app.channels;
        return service.presentCreated(unwrap(await service.rotateSecret(o.api, id, input, CLI_CONTEXT)));
      }), json());
    });
  channels
    .command('delete')
    .description('remove a security contact')
    .addOption(apiOption())
    .argument('<channelId>')
    .action(async (id: string, o: { api: string }) => {
      await withApi(config(), o.api, async (app) => unwrap(await app.channels.delete(o.api, id, CLI_CONTEXT)));
      print(json() ? { deleted: id } : `Deleted ${id}`, json());
    });

  reportUsageErrors(program);
  return program;
}

/** What commander ends with when it showed the help asked for (`--help`, `-h`, `help`). */
const HELP_SHOWN = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

/**
 * Makes commander's parse errors (an unknown command or option, a missing or invalid value, an
 * argument too many, a command group without its subcommand) failures like any other, reported by
 * {@link main}: exit code 2 and `tessera: <reason>` with a hint at the help of the command
 * concerned, or the `--json` error line; not commander's own message or the whole help. Set on
 * every command, so that the hint names the one that refused the input.
 */
function reportUsageErrors(command: Command): void {
  // Commander writes to standard error only its error messages and the help it shows for a missing
  // subcommand; both are reported as a usage failure instead.
  command
    .allowExcessArguments(false)
    .configureOutput({ writeErr: () => {} })
    .exitOverride((error) => {
      // Help shown as an error (exit code 1): a command group without its subcommand, or `help <unknown>`.
      if (error.code === 'commander.help' && error.exitCode !== 0) throw usageFailure(missingCommand(command), command);
      if (HELP_SHOWN.has(error.code)) throw error;
      // Commander's messages start with "error: ", may end with a period (the hint follows), and put
      // a suggestion ("(Did you mean …?)") on a line of its own.
      throw usageFailure(error.message.replace(/^error: /, '').replace(/\.$/, '').replace(/\s*\n\s*/g, ' '), command);
    });
  for (const subcommand of command.commands) reportUsageErrors(subcommand);
}

/** Why commander showed help as an error: the subcommand is missing, or `help` names an unknown command. */
function missingCommand(command: Command): string {
  if (command.args[0] === 'help') return `unknown command '${command.args[1]}'`;
  const names = command.commands.map((c) => c.name());
  const expected = `expected ${names.length === 1 ? '' : 'one of '}${names.join(', ')}`;
  return command.parent ? `missing subcommand for '${command.name()}': ${expected}` : `missing command: ${expected}`;
}

function usageFailure(reason: string, command: Command): CliFailure {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return new CliFailure(EXIT.INVALID, reason, 'REQUEST.VALIDATION_FAILED', `see '${names.join(' ')} --help'`);
}

function withoutWorker(config: Config): Config {
  return { ...config, alerts: { ...config.alerts, embeddedWorker: false } };
}

async function main(argv: string[]): Promise<number> {
  endQuietlyOnClosedPipe();
  let cached: Config | undefined;
  // The CLI never runs the reminder timers itself (`tessera reminders scan` runs one scan on demand).
  const program = buildProgram(() => (cached ??= withoutWorker(loadConfig())));
  try {
    await program.parseAsync(argv);
    // A command that is done may still say something by its code (`reminders scan`).
    return Number(process.exitCode ?? EXIT.OK);
  } catch (error) {
    // The help asked for was shown; a usage error is a CliFailure by now (see reportUsageErrors).
    if (error instanceof CommanderError) return EXIT.OK;
    const failure = cliFailureOf(error);
    // --json as commander read it, anywhere on the line (not after "--"): the program reads its own
    // options before a subcommand parses anything, so also when the line is refused.
    if (program.opts<{ json?: boolean }>().json) process.stderr.write(`${JSON.stringify({ error: { code: failure.code ?? null, message: failure.message } })}\n`);
    else process.stderr.write(`tessera: ${failure.message}${failure.hint ? `; ${failure.hint}` : ''}\n`);
    return failure.exitCode;
  }
}

/** How an error that ended a command is reported: its exit code and, with `--json`, its code. */
function cliFailureOf(error: unknown): CliFailure {
  if (error instanceof CliFailure) return error;
  if (error instanceof ConfigError) return new CliFailure(EXIT.CONFIG, error.message, 'CONFIG.INVALID');
  // A database or Redis that cannot be reached, or the wrong pepper, is a CliFailure already: see
  // ./application, which has their classes.
  return new CliFailure(EXIT.INTERNAL, error instanceof Error ? error.message : String(error), 'INTERNAL.ERROR');
}

void main(process.argv).then((code) => {
  process.exitCode = code;
});
