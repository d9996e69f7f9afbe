import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/env';

describe('configuration from the environment', () => {
  it('uses the defaults with nothing set: embedded SQLite on port 3000', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, issuer: 'http://localhost:3000', redisUrl: null, database: { dialect: 'sqlite' } });
  });

  it('treats a variable with a harmless default, set to the empty string, as unset', () => {
    const config = loadConfig({ PORT: '', TESSERA_ISSUER: '', LOG_LEVEL: '', TESSERA_TRUST_PROXY: '', TESSERA_EMBEDDED_WORKER: '' });
    expect(config).toMatchObject({ port: 3000, issuer: 'http://localhost:3000', redisUrl: null, logLevel: 'info', trustProxy: false });
    expect(config.alerts.embeddedWorker).toBe(true);
  });

  it('refuses an empty DATABASE_URL, REDIS_URL, TESSERA_PEPPER or SMTP_URL instead of falling back to a default', () => {
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'TESSERA_PEPPER', 'SMTP_URL']) {
      expect(() => loadConfig({ [name]: '' }), name).toThrow(`${name}: is set but empty`);
    }
  });

  it('names every bad variable', () => {
    const error = (() => {
      try {
        loadConfig({ PORT: 'eighty', REDIS_URL: 'http://x', LOG_LEVEL: 'loud' });
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of ['PORT', 'REDIS_URL', 'LOG_LEVEL']) expect(message).toContain(name);
  });

  it('takes the database number from REDIS_URL, and refuses a URL whose parts it could not honour', () => {
    expect(loadConfig({ REDIS_URL: 'rediss://alice:secret@cache.internal:6380/7' }).redisUrl).toBe('rediss://alice:secret@cache.internal:6380/7');
    expect(() => loadConfig({ REDIS_URL: 'redis://cache.internal:6379/seven' })).toThrow(/REDIS_URL: the path must be a database number/);
    expect(() => loadConfig({ REDIS_URL: 'redis://cache.internal:6379?db=7' })).toThrow(/REDIS_URL: query parameters/);
  });

  it('takes trusted proxies as addresses or CIDRs, and refuses a hop count, which cannot tell a proxy from a client', () => {
    expect(loadConfig({ TESSERA_TRUST_PROXY: '10.0.4.17, 10.0.5.0/24' }).trustProxy).toBe('10.0.4.17, 10.0.5.0/24');
    expect(loadConfig({ TESSERA_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(() => loadConfig({ TESSERA_TRUST_PROXY: '1' })).toThrow(/TESSERA_TRUST_PROXY: a number of hops is not accepted/);
    expect(() => loadConfig({ TESSERA_TRUST_PROXY: 'proxy.internal' })).toThrow(/TESSERA_TRUST_PROXY: must be true, false, or proxy addresses/);
  });
});
