/**
 * One HTTP request to the authorization server, retried the way the token client promises:
 * 5xx answers and network failures a few times with exponential backoff and jitter, 429 after its
 * `Retry-After` when that is short; every other answer is returned to the caller at once.
 */
import { TokenRequestError } from './errors';
import { backoffDelay, parseRetryAfter } from './timing';

/** How the client retries. Every field has a default. */
export interface RetryOptions {
  /** Retries after the first attempt, for 5xx, 429 and network failures. Default 3. */
  readonly retries?: number;
  /** The first backoff step, in ms; each retry doubles it. Default 200. */
  readonly baseDelayMs?: number;
  /** The longest backoff step, in ms. Default 5,000. */
  readonly maxDelayMs?: number;
  /** The longest `Retry-After` (seconds) the client waits for; a longer one is thrown at once. Default 10. */
  readonly maxRetryAfterSeconds?: number;
  /** How long one attempt may take, in ms, before it counts as a network failure. Default 10,000. */
  readonly timeoutMs?: number;
}

export type ResolvedRetryOptions = Required<RetryOptions>;

export function resolveRetryOptions(options: RetryOptions = {}): ResolvedRetryOptions {
  return {
    retries: options.retries ?? 3,
    baseDelayMs: options.baseDelayMs ?? 200,
    maxDelayMs: options.maxDelayMs ?? 5_000,
    maxRetryAfterSeconds: options.maxRetryAfterSeconds ?? 10,
    timeoutMs: options.timeoutMs ?? 10_000,
  };
}

export interface RequestContext {
  readonly fetch: typeof globalThis.fetch;
  readonly retry: ResolvedRetryOptions;
  readonly now: () => number;
  readonly random: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** The context of the SDK's requests to Tessera, with the global `fetch`, clock and timers unless given. */
export function requestContext(options: { fetch?: typeof globalThis.fetch; retry?: RetryOptions; now?: () => number }): RequestContext {
  return {
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    retry: resolveRetryOptions(options.retry),
    now: options.now ?? Date.now,
    random: Math.random,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}

/**
 * Sends `init` to `url` until an answer is final: any 2xx, 3xx or 4xx but 429 is returned; a 5xx
 * or 429 still failing after the retries, or a network failure, is thrown as a
 * {@link TokenRequestError} (`server_error`, `temporarily_unavailable`, `network_error`).
 * `what` names the request in messages ("token request").
 */
export async function retryingRequest(context: RequestContext, what: string, url: string, init: RequestInit): Promise<Response> {
  const { retry } = context;
  for (let attempt = 0; ; attempt++) {
    const retriesLeft = attempt < retry.retries;
    let response: Response;
    try {
      response = await context.fetch(url, { ...init, signal: AbortSignal.timeout(retry.timeoutMs) });
    } catch (cause) {
      if (retriesLeft) {
        await context.sleep(backoffDelay(attempt, retry.baseDelayMs, retry.maxDelayMs, context.random));
        continue;
      }
      throw new TokenRequestError('network_error', `The ${what} to ${url} got no answer (${describe(cause)}), ${attempt + 1} attempts.`, undefined, undefined, { cause });
    }
    if (response.status !== 429 && response.status < 500) return response;

    const retryAfter = parseRetryAfter(response.headers.get('retry-after'), context.now());
    const code = response.status === 429 ? 'temporarily_unavailable' : 'server_error';
    const oauthError = await oauthErrorOf(response);
    const told = oauthError ? ` (${oauthError})` : '';
    // 429 is retried only after a Retry-After the client is willing to wait for; a 5xx after its
    // Retry-After when it is longer than the backoff (and still short), else after the backoff.
    if (retryAfter !== undefined && retryAfter > retry.maxRetryAfterSeconds) {
      throw new TokenRequestError(code, `The ${what} to ${url} was answered ${response.status}${told}, retry after ${retryAfter} s, longer than this client waits.`, response.status, retryAfter);
    }
    if (response.status === 429 && retryAfter === undefined) {
      throw new TokenRequestError(code, `The ${what} to ${url} was answered 429${told} without Retry-After.`, response.status);
    }
    if (!retriesLeft) {
      throw new TokenRequestError(code, `The ${what} to ${url} was answered ${response.status}${told}, ${attempt + 1} attempts.`, response.status, retryAfter);
    }
    const backoff = response.status === 429 ? 0 : backoffDelay(attempt, retry.baseDelayMs, retry.maxDelayMs, context.random);
    await context.sleep(Math.max(backoff, (retryAfter ?? 0) * 1000));
  }
}

/** The `error` field of an OAuth error body, if the answer has one (the body is consumed). */
async function oauthErrorOf(response: Response): Promise<string | undefined> {
  try {
    const body: unknown = await response.json();
    const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
    return typeof error === 'string' && /^[\x20-\x21\x23-\x5B\x5D-\x7E]{1,64}$/.test(error) ? error : undefined;
  } catch {
    return undefined;
  }
}

function describe(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : '';
    return `${cause.name === 'TimeoutError' ? 'timed out' : cause.message}${inner}`;
  }
  return String(cause);
}
