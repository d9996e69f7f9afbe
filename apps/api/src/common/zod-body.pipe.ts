import { Injectable, type PipeTransform } from '@nestjs/common';
import { parseOrIssues, type ValidationIssue } from '@tessera/contracts';
import type { z } from 'zod';
import { ProblemException } from './http-errors';

const MEMO_LIMIT = 1_000;
/**
 * An answer names at most this many problems, each in at most MAX_ISSUE_LENGTH characters: a
 * body of 60 KB with thousands of unknown (or very long) keys must not get a reply ten times its
 * size.
 */
const MAX_ISSUES = 20;
const MAX_ISSUE_LENGTH = 200;

/** Validates a body, query or params against a contract schema; 400 naming each bad field. */
@Injectable()
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  private readonly memo: Map<string, z.output<S>> | null;

  /**
   * @param memoize for path parameters and query strings (a few short strings that repeat from
   *   request to request): keep the last results of successful parses, keyed by the input.
   */
  constructor(
    private readonly schema: S,
    private readonly what = 'request',
    memoize = false,
  ) {
    this.memo = memoize ? new Map() : null;
  }

  transform(value: unknown): z.output<S> {
    const key = this.memo ? JSON.stringify(value ?? {}) : '';
    const known = this.memo?.get(key);
    if (known !== undefined) return known;
    const parsed = parseOrIssues(this.schema, value ?? {});
    if (parsed.ok) {
      if (this.memo) {
        if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
        this.memo.set(key, parsed.value);
      }
      return parsed.value;
    }
    const shown = parsed.issues.slice(0, MAX_ISSUES).map(clipIssue);
    const more = parsed.issues.length - shown.length;
    const summary = shown.map((issue) => issue.message).join('; ') + (more > 0 ? `; and ${more} more` : '');
    throw new ProblemException('REQUEST.VALIDATION_FAILED', `Invalid ${this.what}: ${summary}`, more > 0 ? { issueCount: parsed.issues.length } : {}, shown);
  }
}

function clipIssue(issue: ValidationIssue): ValidationIssue {
  const clip = (text: string) => (text.length <= MAX_ISSUE_LENGTH ? text : `${text.slice(0, MAX_ISSUE_LENGTH - 1)}…`);
  return { path: clip(issue.path), message: clip(issue.message) };
}
