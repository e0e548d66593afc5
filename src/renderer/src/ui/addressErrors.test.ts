import { describe, expect, it } from 'vitest';
import { addressFieldOf } from './addressErrors';

describe('addressFieldOf', () => {
  it('puts a taken or refused local port under Port, and a host that is not found or not this machine under Host', () => {
    expect(addressFieldOf('EADDRINUSE', true)).toBe('port');
    expect(addressFieldOf('EACCES', true)).toBe('port');
    expect(addressFieldOf('ENOTFOUND', true)).toBe('host');
    expect(addressFieldOf('EADDRNOTAVAIL', true)).toBe('host');
  });

  it("leaves a client's port alone (it is the peer's) and what is about the peer at the dialog's foot", () => {
    expect(addressFieldOf('EACCES', false)).toBeUndefined();
    expect(addressFieldOf('ENOTFOUND', false)).toBe('host');
    expect(addressFieldOf('ECONNREFUSED', false)).toBeUndefined();
    expect(addressFieldOf('ETIMEDOUT', true)).toBeUndefined();
    expect(addressFieldOf('toString', true)).toBeUndefined();
  });
});
