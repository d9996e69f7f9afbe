import { Injectable, type PipeTransform } from '@nestjs/common';
import { parseOrIssues } from '@tessera/contracts';
import type { z } from 'zod';
import { ProblemException } from './http-errors';

/** Validates a body, query or params against a contract schema; 400 naming each bad field. */
@Injectable()
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    private readonly schema: S,
    private readonly what = 'request',
  ) {}

  transform(value: unknown): z.output<S> {
    const parsed = parseOrIssues(this.schema, value ?? {});
    if (parsed.ok) return parsed.value;
    const summary = parsed.issues.map((issue) => issue.message).join('; ');
    throw new ProblemException('REQUEST.VALIDATION_FAILED', `Invalid ${this.what}: ${summary}`, {}, parsed.issues);
  }
}
