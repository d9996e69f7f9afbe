/** Helpers for the management API and CLI end-to-end tests. */
import { expect } from 'vitest';
import { sql, type TestDatabase } from './databases';
import { request, type JsonResponse } from './http';

/** One HTTP exchange with the management API, kept for the leak scan. */
export interface Exchange {
  readonly method: string;
  readonly path: string;
  readonly response: JsonResponse;
}

/**
 * A client of the management API that records every answer, so a suite can check at the end that
 * no response but secret creation and rotation ever carried a client secret.
 */
export class ManagementClient {
  readonly exchanges: Exchange[] = [];

  constructor(private readonly baseUrl: string) {}

  async call(
    method: string,
    path: string,
    init: { token?: string; json?: unknown; body?: string; headers?: Record<string, string> } = {},
  ): Promise<JsonResponse> {
    const response = await request(`${this.baseUrl}${path}`, { method, ...init });
    this.exchanges.push({ method, path, response });
    return response;
  }
}

/** Whether an exchange is allowed to carry a plaintext secret: a successful creation or rotation. */
export function maySeeSecret(exchange: Exchange): boolean {
  return exchange.method === 'POST' && exchange.response.status === 201 && /\/secrets(\/rotate)?$/.test(exchange.path.split('?')[0]!);
}

/** A plaintext client secret (not its `tsk_…abcd` hint). */
export const SECRET_PATTERN = /tsk_[A-Za-z0-9]{8,}/;

/** Asserts a `REQUEST.VALIDATION_FAILED` answer whose issues name `field`. */
export function expectValidationError(response: JsonResponse, field: string): void {
  expect(response.status, response.text).toBe(400);
  expect(response.body).toEqual({
    error: {
      code: 'REQUEST.VALIDATION_FAILED',
      message: expect.any(String),
      requestId: expect.any(String),
      issues: expect.arrayContaining([{ path: field, message: expect.stringContaining(field) }]),
    },
  });
  expect(response.body.error.message).toContain(field);
}

/** Asserts a domain or HTTP error with the given status and code. */
export function expectError(response: JsonResponse, status: number, code: string): void {
  expect({ status: response.status, code: response.body?.error?.code }, response.text).toEqual({ status, code });
  expect(response.body.error).toMatchObject({ message: expect.any(String), requestId: expect.any(String) });
}

/** JSON columns come back as text on SQLite and as objects on PostgreSQL. */
export function json<T = Record<string, unknown>>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

export interface AuditRow {
  readonly id: string;
  readonly api: string | null;
  readonly type: string;
  readonly actor: { kind: string; clientId?: string };
  readonly source: { ip?: string | null; userAgent?: string | null };
  readonly subject: { accountId?: string; secretId?: string };
  readonly data: Record<string, unknown>;
}

/** The audit trail of an API in write order, without the batched authentication events. */
export async function auditTrail(db: TestDatabase, api: string): Promise<AuditRow[]> {
  const rows = await sql(
    db,
    "select id, api, type, actor, source, subject, data from event where api = ? and type not in ('token.issued', 'authentication.failed') order by id",
    [api],
  );
  return rows.map((row) => ({
    id: row.id as string,
    api: row.api as string | null,
    type: row.type as string,
    actor: json(row.actor),
    source: json(row.source),
    subject: json(row.subject),
    data: json(row.data),
  }));
}

/**
 * Everything stored for one API (policy, accounts, secrets, audit trail), to prove that nothing
 * changed. Last-used times are left out: they are written in batches after token requests.
 */
export async function snapshotOf(db: TestDatabase, api: string): Promise<string> {
  const withoutUse = (rows: Record<string, unknown>[]) => rows.map(({ last_used_at: _lastUsedAt, ...rest }) => rest);
  const parts = [
    await sql(db, 'select * from api where slug = ?', [api]),
    withoutUse(await sql(db, 'select * from service_account where api = ? order by id', [api])),
    withoutUse(await sql(db, 'select * from secret where api = ? order by id', [api])),
    await sql(db, "select id, type from event where api = ? and type not in ('token.issued', 'authentication.failed') order by id", [api]),
  ];
  return JSON.stringify(parts);
}

/** Whether a parsed JSON value has a `clientSecret` key anywhere. */
export function hasClientSecretKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasClientSecretKey);
  if (value && typeof value === 'object') {
    return Object.entries(value).some(([key, field]) => key === 'clientSecret' || hasClientSecretKey(field));
  }
  return false;
}

export async function count(db: TestDatabase, table: 'secret' | 'service_account' | 'event', where = '1 = 1', params: unknown[] = []): Promise<number> {
  const [row] = await sql<{ n: number | string }>(db, `select count(*) as n from ${table} where ${where}`, params);
  return Number(row!.n);
}
