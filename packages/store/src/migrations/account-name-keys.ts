import { accountNameKey, MAX_NAME_LENGTH } from '@tessera/domain';

type Execute = (sql: string, params?: unknown[]) => Promise<Array<Record<string, unknown>>>;

/**
 * Fills `service_account.name_key` for the accounts that exist, so that the unique index on
 * (api, name_key) can be created. Names were not unique before: of the accounts of one API that
 * share a name, the oldest keeps it and each later one is renamed "<name> (2)", "<name> (3)", …
 * (the first free number; the name is shortened to stay within the length limit).
 */
export async function fillAccountNameKeys(execute: Execute): Promise<void> {
  const rows = (await execute('select id, api, name from service_account order by api, created_at, id')) as Array<{ id: string; api: string; name: string }>;
  const taken = new Map<string, Set<string>>();
  for (const row of rows) {
    const keys = taken.get(row.api) ?? new Set<string>();
    taken.set(row.api, keys);
    keys.add(accountNameKey(row.name));
  }
  const kept = new Map<string, Set<string>>();
  for (const row of rows) {
    const keys = kept.get(row.api) ?? new Set<string>();
    kept.set(row.api, keys);
    let name = row.name;
    let key = accountNameKey(name);
    if (keys.has(key)) {
      for (let n = 2; ; n++) {
        const suffix = ` (${n})`;
        const candidate = `${[...row.name].slice(0, MAX_NAME_LENGTH - suffix.length).join('').trimEnd()}${suffix}`;
        const candidateKey = accountNameKey(candidate);
        if (!taken.get(row.api)!.has(candidateKey)) {
          name = candidate;
          key = candidateKey;
          taken.get(row.api)!.add(key);
          break;
        }
      }
    }
    keys.add(key);
    await execute('update service_account set name = ?, name_key = ? where id = ?', [name, key, row.id]);
  }
}
