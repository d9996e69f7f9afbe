import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/env';

/** The problems loadConfig names for `env`, one per line; none when it accepts it. */
function problem(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (caught) {
    return (caught as ConfigError).problems;
  }
  return [];
}

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

  it('says in plain words what a numeric variable must be, and what it got', () => {
    expect(problem({ PORT: 'abc' })).toEqual(['PORT: must be a whole number from 0 to 65535, got "abc"']);
    expect(problem({ PORT: '1.5' })).toEqual(['PORT: must be a whole number from 0 to 65535, got "1.5"']);
    expect(problem({ PORT: '70000' })).toEqual(['PORT: must be a whole number from 0 to 65535, got "70000"']);
    expect(problem({ TESSERA_THROTTLE_PER_CLIENT: '0' })).toEqual(['TESSERA_THROTTLE_PER_CLIENT: must be a whole number of at least 1, got "0"']);
    expect(problem({ TESSERA_THROTTLE_PER_ADDRESS: '-5' })).toEqual(['TESSERA_THROTTLE_PER_ADDRESS: must be a whole number of at least 1, got "-5"']);
    expect(problem({ TESSERA_THROTTLE_WINDOW_SECONDS: '1m' })).toEqual(['TESSERA_THROTTLE_WINDOW_SECONDS: must be a whole number of at least 1, got "1m"']);
    expect(problem({ TESSERA_SCAN_INTERVAL_SECONDS: '86401' })).toEqual(['TESSERA_SCAN_INTERVAL_SECONDS: must be a whole number from 1 to 86400, got "86401"']);
    expect(loadConfig({ PORT: ' 8080 ', TESSERA_THROTTLE_PER_CLIENT: '5', TESSERA_SCAN_INTERVAL_SECONDS: '86400' })).toMatchObject({ port: 8080, throttle: { perClient: 5 }, alerts: { scanIntervalSeconds: 86_400 } });
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
  });

  it('names the accepted values of a switch, the log level and the database URL, and what it got', () => {
    expect(problem({ TESSERA_EMBEDDED_WORKER: 'yes' })).toEqual(['TESSERA_EMBEDDED_WORKER: must be true or false, got "yes"']);
    expect(problem({ LOG_LEVEL: 'loud' })).toEqual(['LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace or silent, got "loud"']);
    expect(problem({ DATABASE_URL: 'mysql://db/tessera' })).toEqual(['DATABASE_URL: must be sqlite:PATH or postgres://user@host:port/database']);
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
