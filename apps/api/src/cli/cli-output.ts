import { STATUS_BY_CODE } from '../common/error-status';
import type { Failure } from '../common/app-error';

/** Exit codes scripts can rely on. */
export const EXIT = {
  OK: 0,
  INTERNAL: 1,
  INVALID: 2,
  NOT_FOUND: 3,
  CONFLICT: 4,
  CONFIG: 78,
} as const;

/** A failure the CLI reports and exits with. */
export class CliFailure extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }

  static from(failure: Failure): CliFailure {
    const status = STATUS_BY_CODE[failure.code];
    const exitCode = status === 404 ? EXIT.NOT_FOUND : status === 409 ? EXIT.CONFLICT : status < 500 ? EXIT.INVALID : EXIT.INTERNAL;
    return new CliFailure(exitCode, failure.message, failure.code);
  }
}

/** Prints a result: JSON with `--json`, else readable `key: value` lines or a table. */
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
  if (value && typeof value === 'object') {
    for (const [key, field] of Object.entries(value)) process.stdout.write(`${key}: ${format(field)}\n`);
    return;
  }
  process.stdout.write(`${String(value)}\n`);
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
