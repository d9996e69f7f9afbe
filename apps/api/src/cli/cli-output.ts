import { STATUS_BY_CODE } from '../common/error-status';
import type { Failure } from '../common/app-error';

/** Exit codes scripts can rely on. */
export const EXIT = {
  OK: 0,
  INTERNAL: 1,
  INVALID: 2,
  NOT_FOUND: 3,
  CONFLICT: 4,
  /** `reminders scan`: done, but a delivery failed or waits for a retry. */
  UNDELIVERED: 5,
  CONFIG: 78,
} as const;

/**
 * The option a request field is typed with, as a failure about the field names it: its name
 * (`'--token-lifetime'`), or its name and the word it takes where the field takes null
 * (`{ option: '--max-secret-lifetime', nullAs: 'none' }`).
 */
export type FieldOption = string | { readonly option: string; readonly nullAs: string };

/**
 * What a field must be (`requirement`), said of the option it is typed with and in the option's
 * words: `--max-secret-lifetime: must be none or …` where the HTTP API says `must be null or …`.
 */
export function saidOfOption(option: FieldOption, requirement: string): string {
  if (typeof option === 'string') return `${option}: ${requirement}`;
  return `${option.option}: ${requirement.replace(/\bnull\b/g, option.nullAs)}`;
}

/**
 * A failure the CLI reports and exits with. `hint`, shown after the message in text only, says
 * where to read more (`see 'tessera accounts list --help'`).
 */
export class CliFailure extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
    readonly code?: string,
    readonly hint?: string,
  ) {
    super(message);
  }

  /**
   * `flags` (request field → option, as main.ts's `parsed` takes them): a failure about one
   * request field (`details.field`, which the HTTP API names in its `issues`) is reported under
   * the option the user typed, as `--token-lifetime: must be …`, with what the field must be
   * (`details.requirement`) where the failure says it apart from its message, in the option's
   * words ({@link saidOfOption}).
   */
  static from(failure: Failure, flags: Readonly<Record<string, FieldOption>> = {}): CliFailure {
    const status = STATUS_BY_CODE[failure.code];
    const exitCode = status === 404 ? EXIT.NOT_FOUND : status === 409 ? EXIT.CONFLICT : status < 500 ? EXIT.INVALID : EXIT.INTERNAL;
    const { field, requirement } = failure.details;
    const flag = typeof field === 'string' ? flags[field] : undefined;
    const message = flag ? saidOfOption(flag, typeof requirement === 'string' ? requirement : failure.message) : failure.message;
    return new CliFailure(exitCode, message, failure.code);
  }
}

/**
 * Lets a reader stop early: `tessera … | head -1` closes the pipe after one line, and the writes
 * that follow fail with EPIPE. Like other Unix tools the CLI then ends quietly, without a stack
 * trace: the rest of its output is dropped, and its exit code is the command's own (every command
 * has done its work before it prints the result). Any other error of the streams is thrown, as
 * before.
 */
export function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
}

/**
 * Prints a result: JSON with `--json`, else readable `key: value` lines or a table. A field that
 * is itself an object is printed as an indented block of `key: value` lines under `key:`, and a
 * list of objects as an indented table, one `key=value` line per item.
 */
export function print(value: unknown, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) process.stdout.write(`${line(item)}\n`);
    if (value.length === 0) process.stdout.write('(none)\n');
    return;
  }
  if (isRecord(value)) {
    for (const [key, field] of Object.entries(value)) writeField(key, field, '');
    return;
  }
  process.stdout.write(`${String(value)}\n`);
}

/**
 * Prints what a list command found: `{"items": […]}` with `--json` (the HTTP API's shape), plus
 * `nextCursor` for a paged list; else one line per item, and how to get the next page.
 */
export function printList(items: readonly unknown[], json: boolean, page?: { readonly nextCursor: string | null }): void {
  if (json) {
    print({ items, ...(page ? { nextCursor: page.nextCursor } : {}) }, true);
    return;
  }
  print(items, false);
  if (page?.nextCursor) process.stdout.write(`(more: --cursor ${page.nextCursor})\n`);
}

function writeField(key: string, field: unknown, indent: string): void {
  if (isRecord(field)) {
    process.stdout.write(`${indent}${key}:\n`);
    for (const [inner, value] of Object.entries(field)) writeField(inner, value, `${indent}  `);
  } else if (Array.isArray(field) && field.some(isRecord)) {
    process.stdout.write(`${indent}${key}:\n`);
    for (const item of field) process.stdout.write(`${indent}  ${line(item)}\n`);
  } else if (Array.isArray(field) && field.length === 0) {
    process.stdout.write(`${indent}${key}: (none)\n`);
  } else {
    process.stdout.write(`${indent}${key}: ${format(field)}\n`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function line(item: unknown): string {
  if (!item || typeof item !== 'object') return String(item);
  return Object.entries(item)
    .map(([key, field]) => `${key}=${format(field)}`)
    .join('  ');
}

function format(field: unknown): string {
  if (field === null || field === undefined) return '-';
  if (Array.isArray(field)) return field.join(',');
  if (typeof field === 'object') return JSON.stringify(field);
  return String(field);
}
