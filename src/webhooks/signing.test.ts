import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { verifyWebhook, WebhookVerificationError } from '../sdk/index.js';
import { newWebhookSecret, signatureHeader, signedHeaders } from './signing.js';

/**
 * Our signatures against an independent implementation (the `standardwebhooks`
 * package), and the SDK's verifier against both.
 */

const body = JSON.stringify({ type: 'connection.created', timestamp: '2026-12-02T10:00:00.000Z', data: {} });

describe('webhook signing', () => {
  it('makes whsec_ secrets of 32 random bytes', () => {
    const secret = newWebhookSecret(randomBytes);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(newWebhookSecret(randomBytes)).not.toBe(secret);
  });

  it('signs as the standardwebhooks package does, and it verifies ours', () => {
    const secret = newWebhookSecret(randomBytes);
    const now = Date.now();
    const headers = signedHeaders('msg_1', now, body, [secret]);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    const theirs = new Webhook(secret).sign('msg_1', new Date(Math.floor(now / 1000) * 1000), body);
    expect(headers['webhook-signature']).toBe(theirs);
  });

  it('signs with every secret during a rotation; each alone verifies', () => {
    const [oldSecret, newSecret] = [newWebhookSecret(randomBytes), newWebhookSecret(randomBytes)];
    const headers = signedHeaders('msg_2', Date.now(), body, [newSecret, oldSecret]);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(oldSecret).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(newSecret).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(newWebhookSecret(randomBytes)).verify(body, headers)).toThrow();
  });
});

describe('SDK verifyWebhook', () => {
  const secret = newWebhookSecret(randomBytes);
  const now = Date.now();

  it('accepts what standardwebhooks signs, from a Headers object or a plain record', async () => {
    const signature = new Webhook(secret).sign('msg_3', new Date(now), body);
    const headers = {
      'webhook-id': 'msg_3',
      'webhook-timestamp': String(Math.floor(now / 1000)),
      'webhook-signature': signature,
    };
    expect((await verifyWebhook(body, headers, secret)).type).toBe('connection.created');
    expect((await verifyWebhook(new TextEncoder().encode(body), new Headers(headers), [secret])).type).toBe(
      'connection.created',
    );
  });

  it('accepts any one of several secrets, and any one of several signatures', async () => {
    const other = newWebhookSecret(randomBytes);
    const headers = signedHeaders('msg_4', now, body, [other]);
    await expect(verifyWebhook(body, headers, [secret, other])).resolves.toBeTruthy();
    const both = signedHeaders('msg_4', now, body, [newWebhookSecret(randomBytes), secret]);
    await expect(verifyWebhook(body, both, secret)).resolves.toBeTruthy();
  });

  const code = async (promise: Promise<unknown>) => {
    try {
      await promise;
      return 'accepted';
    } catch (error) {
      expect(error).toBeInstanceOf(WebhookVerificationError);
      return (error as WebhookVerificationError).code;
    }
  };

  it('refuses a changed body, a wrong secret, missing headers, an old or future timestamp', async () => {
    const headers = signedHeaders('msg_5', now, body, [secret]);
    expect(await code(verifyWebhook(`${body} `, headers, secret))).toBe('invalid_signature');
    expect(await code(verifyWebhook(body, headers, newWebhookSecret(randomBytes)))).toBe('invalid_signature');
    expect(await code(verifyWebhook(body, { ...headers, 'webhook-id': 'msg_6' }, secret))).toBe(
      'invalid_signature',
    );
    expect(await code(verifyWebhook(body, { 'webhook-id': 'msg_5' }, secret))).toBe('missing_headers');
    // Judged at the signing time, not whenever a loaded machine gets to this line.
    const at = () => now;
    const stale = signedHeaders('msg_5', now - 301_000, body, [secret]);
    expect(await code(verifyWebhook(body, stale, secret, { now: at }))).toBe('timestamp_out_of_range');
    expect(await code(verifyWebhook(body, stale, secret, { toleranceSeconds: 600, now: at }))).toBe(
      'accepted',
    );
    const future = signedHeaders('msg_5', now + 301_000, body, [secret]);
    expect(await code(verifyWebhook(body, future, secret, { now: at }))).toBe('timestamp_out_of_range');
    const garbage = { ...headers, 'webhook-timestamp': 'soon' };
    expect(await code(verifyWebhook(body, garbage, secret))).toBe('timestamp_out_of_range');
    const v2 = { ...headers, 'webhook-signature': headers['webhook-signature'].replace('v1,', 'v2,') };
    expect(await code(verifyWebhook(body, v2, secret))).toBe('invalid_signature');
  });

  it('refuses a signed body that is not an event', async () => {
    const notEvent = '[1,2]';
    const headers = { ...signedHeaders('msg_7', now, notEvent, [secret]) };
    expect(await code(verifyWebhook(notEvent, headers, secret))).toBe('invalid_payload');
    expect(signatureHeader('a', 1, 'b', [])).toBe('');
  });
});
