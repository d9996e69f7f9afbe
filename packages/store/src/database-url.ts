// The API's configuration imports this file alone (`@tessera/store/database-url`): the CLI checks
// its configuration before it loads the ORM. So it imports nothing.

/** Where Tessera keeps its data, parsed from `DATABASE_URL`. */
export type DatabaseTarget =
  | { readonly dialect: 'sqlite'; readonly path: string }
  | { readonly dialect: 'postgresql'; readonly url: string };

/** The zero-configuration default: a SQLite file under `./data/`. */
export const DEFAULT_DATABASE_URL = 'sqlite:./data/tessera.sqlite';

/**
 * Parses `sqlite:PATH` (`sqlite::memory:` for an in-memory database) or `postgres://…` /
 * `postgresql://…`. Returns an error message naming the accepted forms for anything else, to
 * follow the variable's name (`DATABASE_URL: …`).
 */
export function parseDatabaseUrl(value: string): DatabaseTarget | { readonly error: string } {
  if (value.startsWith('sqlite:')) {
    const path = value.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path.length === 0) return { error: '"sqlite:" needs a file path, e.g. sqlite:./data/tessera.sqlite' };
    return { dialect: 'sqlite', path };
  }
  if (/^postgres(ql)?:\/\//.test(value)) {
    try {
      new URL(value);
    } catch {
      return { error: 'is not a valid postgres:// URL' };
    }
    return { dialect: 'postgresql', url: value };
  }
  return { error: 'must be sqlite:PATH or postgres://user@host:port/database' };
}

/**
 * A database as it may appear in a message or a log line: `sqlite:PATH`, or the PostgreSQL URL
 * without its password (in the user part or as a query parameter such as `?password=`).
 */
export function databaseUrlForLogs(target: DatabaseTarget): string {
  if (target.dialect === 'sqlite') return `sqlite:${target.path}`;
  try {
    const parsed = new URL(target.url);
    parsed.password = '';
    for (const name of [...parsed.searchParams.keys()]) if (/pass/i.test(name)) parsed.searchParams.delete(name);
    return parsed.toString();
  } catch {
    return '(an invalid DATABASE_URL)';
  }
}
