import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseVaultKeys, VaultKeyError } from './keys.js';

const bytesA = randomBytes(32);
const bytesB = randomBytes(32);
const b64A = bytesA.toString('base64');
const b64B = bytesB.toString('base64');

/** Runs the parser on a bad spec; returns the error, and checks no listed text leaked into it. */
function rejects(spec: string, leaks: string[]): VaultKeyError {
  let caught: unknown;
  try {
    parseVaultKeys(spec);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(VaultKeyError);
  const error = caught as VaultKeyError;
  expect(error.name).toBe('VaultKeyError');
  expect(error.message).toMatch(/CUSTODIAN_VAULT_KEYS/);
  for (const secret of leaks) {
    expect(secret.length).toBeGreaterThan(0);
    expect(error.message).not.toContain(secret);
    expect(String(error.stack)).not.toContain(secret);
  }
  return error;
}

describe('parseVaultKeys: valid specs', () => {
  it('parses a single base64 key', () => {
    const keys = parseVaultKeys(`k1:${b64A}`);
    expect(keys).toHaveLength(1);
    expect(keys[0]!.id).toBe('k1');
    expect(Buffer.from(keys[0]!.material).equals(bytesA)).toBe(true);
  });

  it('parses several keys in order, first one first (the encrypting key), trimming blanks', () => {
    const keys = parseVaultKeys(` new_2025:${b64B} , old-2024:${b64A} ,`);
    expect(keys.map((k) => k.id)).toEqual(['new_2025', 'old-2024']);
    expect(Buffer.from(keys[0]!.material).equals(bytesB)).toBe(true);
    expect(Buffer.from(keys[1]!.material).equals(bytesA)).toBe(true);
  });

  it('accepts base64url with and without padding, and base64 without padding', () => {
    // 0xfb bytes give '+' and '/' in base64, '-' and '_' in base64url.
    const special = Buffer.alloc(32, 0xfb);
    // 0x01 bytes have no alphabet-specific characters at all.
    const plain = Buffer.alloc(32, 0x01);
    const variants: Array<[string, Buffer]> = [
      [special.toString('base64'), special],
      [special.toString('base64url'), special],
      [`${special.toString('base64url')}=`, special],
      [special.toString('base64').replace(/=+$/, ''), special],
      [plain.toString('base64'), plain],
      // What `randomBytes(32).toString('base64url')` gives about a quarter of the time.
      [plain.toString('base64url'), plain],
    ];
    for (const [text, bytes] of variants) {
      const [key] = parseVaultKeys(`k:${text}`);
      expect(Buffer.from(key!.material).equals(bytes), text).toBe(true);
    }
  });

  it('accepts any freshly generated base64url key', () => {
    for (let i = 0; i < 64; i++) {
      const bytes = randomBytes(32);
      const [key] = parseVaultKeys(`k:${bytes.toString('base64url')}`);
      expect(Buffer.from(key!.material).equals(bytes)).toBe(true);
    }
  });

  it('accepts a 32-character id of [A-Za-z0-9_-]', () => {
    const id = `A-z_${'9'.repeat(28)}`;
    expect(parseVaultKeys(`${id}:${b64A}`)[0]!.id).toBe(id);
  });
});

describe('parseVaultKeys: invalid specs never echo key material', () => {
  it('rejects an empty list', () => {
    expect(rejects('', []).message).toMatch(/no key/);
    expect(rejects(' , ,, ', []).message).toMatch(/no key/);
  });

  it('rejects an entry without a colon', () => {
    const error = rejects(`k1:${b64A},${b64B}`, [b64B, b64B.slice(0, 12)]);
    expect(error.message).toMatch(/entry 2/);
    expect(error.message).toMatch(/key_id:base64/);
  });

  it('rejects a bad key id', () => {
    for (const id of ['', 'has space', 'dot.ted', 'x'.repeat(33), 'ünï']) {
      const error = rejects(`${id}:${b64A}`, [b64A, b64A.slice(0, 12)]);
      expect(error.message).toMatch(/entry 1: key id/);
    }
  });

  it('rejects keys of the wrong length (16 and 33 bytes)', () => {
    for (const size of [16, 33]) {
      const text = randomBytes(size).toString('base64');
      const error = rejects(`good:${b64A},short:${text}`, [text, text.slice(0, 12), b64A]);
      expect(error.message).toMatch(/"short" must be 32 bytes/);
    }
  });

  it('rejects text that is not base64', () => {
    const cases = [
      'this is not base64 at all!!!',
      `${b64A.slice(0, 20)}*${b64A.slice(21)}`,
      // Mixed alphabets.
      `+${bytesA.toString('base64url').slice(1, -1)}-`,
      // Padding in the middle.
      `${b64A.slice(0, 4)}=${b64A.slice(5)}`,
      'hunter2-hunter2-hunter2-hunter2-hunter2-hunter2',
    ];
    for (const text of cases) {
      const error = rejects(`k9:${text}`, [text, text.slice(0, 12)]);
      expect(error.message).toMatch(/"k9" must be 32 bytes in base64/);
    }
  });

  it('rejects duplicate ids', () => {
    const error = rejects(`same:${b64A},same:${b64B}`, [b64A, b64B]);
    expect(error.message).toMatch(/repeats a key id/);
  });
});
