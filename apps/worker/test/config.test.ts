import { describe, expect, it } from 'vitest';
import { loadWorkerConfig } from '../src/config/env';

const REQUIRED = { DATABASE_URL: 'postgres://tessera@db.internal:5432/tessera', REDIS_URL: 'redis://cache.internal:6379', TESSERA_PEPPER: 'p'.repeat(32) };

describe("the worker's configuration", () => {
  it('takes the scan interval in seconds, 60 by default', () => {
    expect(loadWorkerConfig(REQUIRED).scanIntervalSeconds).toBe(60);
    expect(loadWorkerConfig({ ...REQUIRED, TESSERA_SCAN_INTERVAL_SECONDS: '300' }).scanIntervalSeconds).toBe(300);
  });

  it('says in plain words what the scan interval must be, and what it got', () => {
    for (const given of ['abc', '1.5', '0', '86401']) {
      expect(() => loadWorkerConfig({ ...REQUIRED, TESSERA_SCAN_INTERVAL_SECONDS: given })).toThrow(
        `Invalid configuration:\n  - TESSERA_SCAN_INTERVAL_SECONDS: must be a whole number from 1 to 86400, got "${given}"`,
      );
    }
  });
});
