import { describe, expect, it } from 'vitest';
import { PrivateDestinationError, assertPublicDestination, isPrivateAddress } from '../src';

describe('webhook destinations', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '64:ff9b::a9fe:a9fe', '2002:a9fe:a9fe::1', '::a9fe:a9fe', 'fec0::1', '2001:db8::1', 'not-an-ip'])('treats %s as non-public', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('treats %s as public', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });

  it('refuses URLs whose host is a private address or resolves to one', async () => {
    await expect(assertPublicDestination('http://169.254.169.254/latest/meta-data/')).rejects.toBeInstanceOf(PrivateDestinationError);
    await expect(assertPublicDestination('http://[::1]:6379/')).rejects.toBeInstanceOf(PrivateDestinationError);
    await expect(assertPublicDestination('http://localhost:5432/')).rejects.toBeInstanceOf(PrivateDestinationError);
    await expect(assertPublicDestination('https://93.184.216.34/hook')).resolves.toBeUndefined();
  });
});
