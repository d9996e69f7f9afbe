import { SetMetadata } from '@nestjs/common';
import type { z } from 'zod';

/** What the OpenAPI document says of one route: the contract schemas the route validates with. */
export interface RouteDoc {
  readonly summary: string;
  readonly tag: string;
  /** Request body schema and its media type (JSON unless said otherwise). */
  readonly body?: z.ZodType;
  readonly bodyType?: 'application/json' | 'application/x-www-form-urlencoded';
  readonly query?: z.ZodType;
  /** Response schemas by status; `null` for an empty body. */
  readonly responses: Readonly<Record<number, z.ZodType | null>>;
  /** How the caller authenticates; default: nothing. */
  readonly auth?: 'bearer' | 'client';
}

export const API_DOC = Symbol('api-doc');

/** Documents a route in the OpenAPI document served at `/docs`. */
export const ApiDoc = (doc: RouteDoc): MethodDecorator => SetMetadata(API_DOC, doc);
