import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { VaultKey } from './keys.js';
import { keyIdOf, type SecretLocation, Vault, VaultError } from './vault.js';

const keyA: VaultKey = { id: 'a', material: randomBytes(32) };
const keyB: VaultKey = { id: 'b', material: randomBytes(32) };
const here: SecretLocation = { table: 'providers', column: 'client_secret', rowId: 'github' };

/** Splits a stored value the way the vault documents it: `v1.<key id>.<nonce>.<ciphertext+tag>`. */
function parts(stored: string) {
  const [version, keyId, nonce, body, ...rest] = stored.split('.');
  expect(rest).toEqual([]);
  return {
    version: version!,
    keyId: keyId!,
    nonce: Buffer.from(nonce!, 'base64url'),
    body: Buffer.from(body!, 'base64url'),
    nonceText: nonce!,
    bodyText: body!,
  };
}

function assemble(keyId: string, nonce: Uint8Array, body: Uint8Array, version = 'v1'): string {
  return [
    version,
    keyId,
    Buffer.from(nonce).toString('base64url'),
    Buffer.from(body).toString('base64url'),
  ].join('.');
}

/** The additional authenticated data as the vault documents it. */
function aad(keyId: string, where: SecretLocation): Buffer {
  return Buffer.from(JSON.stringify(['v1', keyId, where.table, where.column, where.rowId]), 'utf8');
}

function expectVaultError(fn: () => unknown, message?: RegExp): VaultError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(VaultError);
  if (message) expect((caught as Error).message).toMatch(message);
  return caught as VaultError;
}

describe('Vault', () => {
  it('round-trips a secret', () => {
    const vault = new Vault([keyA]);
    const stored = vault.encrypt('s3cr3t', here);
    expect(stored).not.toContain('s3cr3t');
    expect(vault.decrypt(stored, here)).toBe('s3cr3t');
  });

  it('round-trips an empty string and a 100 kB unicode string', () => {
    const vault = new Vault([keyA]);
    expect(vault.decrypt(vault.encrypt('', here), here)).toBe('');
    const unit = 'héllo wörld — 漢字かな 🚀👩🏽‍💻 e\u0301 \u0000 ';
    let big = '';
    while (Buffer.byteLength(big, 'utf8') < 100_000) big += unit;
    const stored = vault.encrypt(big, here);
    expect(vault.decrypt(stored, here)).toBe(big);
  });

  it('uses a fresh 96-bit nonce for every encryption', () => {
    const vault = new Vault([keyA]);
    const stored = new Set<string>();
    const nonces = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const value = vault.encrypt('same plaintext', here);
      const { nonce, nonceText } = parts(value);
      expect(nonce.length).toBe(12);
      stored.add(value);
      nonces.add(nonceText);
    }
    expect(stored.size).toBe(1000);
    expect(nonces.size).toBe(1000);
  });

  it('takes its nonces from the injected random source, and only when encrypting', () => {
    const sizes: number[] = [];
    const counting = (size: number) => {
      sizes.push(size);
      return randomBytes(size);
    };
    const vault = new Vault([keyA], counting);
    const first = vault.encrypt('x', here);
    vault.encrypt('y', here);
    vault.encrypt('z', here);
    expect(sizes).toEqual([12, 12, 12]);
    vault.decrypt(first, here);
    vault.needsRewrap(first);
    expect(sizes).toEqual([12, 12, 12]);

    const fixed = Uint8Array.from({ length: 12 }, (_, i) => i + 1);
    const stored = new Vault([keyA], () => fixed).encrypt('x', here);
    expect(parts(stored).nonceText).toBe(Buffer.from(fixed).toString('base64url'));
  });

  describe('stored format (checked with node:crypto directly)', () => {
    it('is v1.<key id>.<nonce>.<ciphertext+tag> in unpadded base64url, AES-256-GCM with the documented AAD', () => {
      const vault = new Vault([keyA]);
      const where = { table: 'providers', column: 'client_secret', rowId: 'acme-cloud' };
      const stored = vault.encrypt('pinned plaintext ✓', where);
      expect(stored).toMatch(/^v1\.a\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
      const { version, keyId, nonce, body } = parts(stored);
      expect(version).toBe('v1');
      expect(keyId).toBe('a');
      expect(nonce.length).toBe(12);
      expect(body.length).toBe(Buffer.byteLength('pinned plaintext ✓') + 16);

      const decipher = createDecipheriv('aes-256-gcm', keyA.material, nonce);
      decipher.setAAD(aad('a', where));
      decipher.setAuthTag(body.subarray(body.length - 16));
      const plain = Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]);
      expect(plain.toString('utf8')).toBe('pinned plaintext ✓');
    });

    it('decrypts a ciphertext made independently with node:crypto', () => {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', keyB.material, nonce);
      cipher.setAAD(aad('b', here));
      const body = Buffer.concat([
        cipher.update('made outside', 'utf8'),
        cipher.final(),
        cipher.getAuthTag(),
      ]);
      const vault = new Vault([keyA, keyB]);
      expect(vault.decrypt(assemble('b', nonce, body), here)).toBe('made outside');
    });
  });

  describe('binding to its place', () => {
    const vault = new Vault([keyA]);
    const stored = vault.encrypt('bound', here);

    it('does not decrypt in another row', () => {
      expectVaultError(() => vault.decrypt(stored, { ...here, rowId: 'gitlab' }), /does not authenticate/);
      expectVaultError(() => vault.decrypt(stored, { ...here, rowId: 'GitHub' }));
      expectVaultError(() => vault.decrypt(stored, { ...here, rowId: '' }));
    });

    it('does not decrypt in another column', () => {
      expectVaultError(
        () => vault.decrypt(stored, { ...here, column: 'refresh_token' }),
        /does not authenticate/,
      );
    });

    it('does not decrypt in another table', () => {
      expectVaultError(() => vault.decrypt(stored, { ...here, table: 'grants' }), /does not authenticate/);
    });

    it('does not confuse locations whose parts only differ in where the separators fall', () => {
      const a = { table: 'x', column: 'y.z', rowId: 'r' };
      const b = { table: 'x.y', column: 'z', rowId: 'r' };
      expectVaultError(() => vault.decrypt(vault.encrypt('s', a), b));
      const c = { table: 't', column: 'c', rowId: 'a","b' };
      const d = { table: 't', column: 'c","a', rowId: 'b' };
      expectVaultError(() => vault.decrypt(vault.encrypt('s', c), d));
    });
  });

  it('rejects any single flipped bit in the nonce or the body', () => {
    const vault = new Vault([keyA]);
    const stored = vault.encrypt('hi', here);
    const { nonce, body } = parts(stored);
    expect(nonce.length + body.length).toBe(12 + 2 + 16);
    let tried = 0;
    for (const target of ['nonce', 'body'] as const) {
      const bytes = target === 'nonce' ? nonce : body;
      for (let i = 0; i < bytes.length; i++) {
        for (let bit = 0; bit < 8; bit++) {
          const flipped = Buffer.from(bytes);
          flipped[i]! ^= 1 << bit;
          const tampered = target === 'nonce' ? assemble('a', flipped, body) : assemble('a', nonce, flipped);
          expect(tampered).not.toBe(stored);
          expectVaultError(() => vault.decrypt(tampered, here), /does not authenticate/);
          tried++;
        }
      }
    }
    expect(tried).toBe(30 * 8);
    // The untouched value still decrypts: the failures above were the flips.
    expect(vault.decrypt(stored, here)).toBe('hi');
  });

  it('does not decrypt when the key id is relabelled to another configured key', () => {
    const vault = new Vault([keyA, keyB]);
    const stored = vault.encrypt('labelled', here);
    const { nonce, body } = parts(stored);
    expectVaultError(() => vault.decrypt(assemble('b', nonce, body), here), /does not authenticate/);
    // Even when the other id names the very same key material, the id itself is authenticated.
    const twin = new Vault([keyA, { id: 'twin', material: keyA.material }]);
    expectVaultError(() => twin.decrypt(assemble('twin', nonce, body), here), /does not authenticate/);
  });

  it('does not decrypt with different material under the same key id', () => {
    const stored = new Vault([keyA]).encrypt('x', here);
    const impostor = new Vault([{ id: 'a', material: randomBytes(32) }]);
    expectVaultError(() => impostor.decrypt(stored, here), /does not authenticate/);
  });

  it('keeps decrypting old ciphertexts after a new key is put first, and encrypts with the new one', () => {
    const before = new Vault([keyA]);
    const old = before.encrypt('old secret', here);
    expect(keyIdOf(old)).toBe('a');

    const rotated = new Vault([keyB, keyA]);
    expect(rotated.currentKeyId).toBe('b');
    expect(rotated.decrypt(old, here)).toBe('old secret');
    const fresh = rotated.encrypt('new secret', here);
    expect(keyIdOf(fresh)).toBe('b');
    expect(rotated.decrypt(fresh, here)).toBe('new secret');
    expect(new Vault([keyB]).decrypt(fresh, here)).toBe('new secret');
  });

  it('fails clearly on a ciphertext whose key is no longer configured', () => {
    const old = new Vault([keyA]).encrypt('old secret', here);
    const error = expectVaultError(
      () => new Vault([keyB]).decrypt(old, here),
      /no configured vault key.*"a"/,
    );
    expect(error.message).not.toContain('old secret');
  });

  it('rejects malformed stored strings', () => {
    const vault = new Vault([keyA]);
    const good = vault.encrypt('hello', here);
    const { nonce, body, nonceText, bodyText } = parts(good);
    const malformed = [
      '',
      'plaintext-secret',
      good.replace(/^v1\./, 'v2.'),
      good.replace(/^v1\./, 'V1.'),
      good.replace(/^v1\./, ''),
      `v1.a.${nonceText}`,
      `${good}.extra`,
      `v1.a.${nonceText}.${bodyText}.`,
      `v1..${nonceText}.${bodyText}`,
      // Truncated nonce, and a body shorter than the tag.
      assemble('a', nonce.subarray(0, 11), body),
      assemble('a', Buffer.concat([nonce, Buffer.from([0])]), body),
      assemble('a', nonce, body.subarray(0, 15)),
      assemble('a', nonce, new Uint8Array(0)),
      // Truncated text.
      good.slice(0, -1),
      good.slice(0, -4),
      good.slice(0, good.length - bodyText.length - 1),
      // Characters outside base64url.
      `v1.a.${nonceText}.${bodyText.slice(0, -2)}+/`,
      `v1.a.${nonceText.slice(0, -1)}!.${bodyText}`,
    ];
    for (const value of malformed) {
      expect(value).not.toBe(good);
      expectVaultError(() => vault.decrypt(value, here));
    }
    expectVaultError(() => keyIdOf('v2.a.b.c'), /not a vault ciphertext/);
    expectVaultError(() => keyIdOf('v1.a.b'), /not a vault ciphertext/);
  });

  it('needsRewrap is true only for values made with a key other than the current one', () => {
    const old = new Vault([keyA]).encrypt('s', here);
    const rotated = new Vault([keyB, keyA]);
    const fresh = rotated.encrypt('s', here);
    expect(rotated.needsRewrap(old)).toBe(true);
    expect(rotated.needsRewrap(fresh)).toBe(false);
    expect(new Vault([keyA, keyB]).needsRewrap(fresh)).toBe(true);
    expect(new Vault([keyA, keyB]).needsRewrap(old)).toBe(false);
    expectVaultError(() => rotated.needsRewrap('not a ciphertext'));
  });

  it('needs at least one key', () => {
    expectVaultError(() => new Vault([]), /at least one key/);
  });
});
