import { BlockList } from 'node:net';
import { describe, expect, it } from 'vitest';
import { checkEndpointUrl, checkEndpointUrlResolved, isForbiddenAddress } from './url-safety.js';

const strict = { allowLoopbackHttp: false };
const loopback = { allowLoopbackHttp: true };

// Each forbidden class as [label, IPv4 form, IPv6 form]; the mapped form is derived.
const forbiddenClasses: [string, string | null, string | null][] = [
  ['loopback', '127.0.0.1', '::1'],
  ['loopback, far end', '127.255.255.254', null],
  ['unspecified', '0.0.0.0', '::'],
  ['this network', '0.1.2.3', null],
  ['private 10/8', '10.0.0.1', null],
  ['private 172.16/12', '172.31.255.1', null],
  ['private 192.168/16', '192.168.1.1', null],
  ['unique local fc00::/7', null, 'fd12:3456::1'],
  ['unique local fc00::', null, 'fc00::1'],
  ['CGNAT', '100.64.0.1', null],
  ['CGNAT, far end', '100.127.255.255', null],
  ['link-local', '169.254.1.1', 'fe80::1'],
  ['link-local, far end', null, 'febf::1'],
  ['AWS/GCP/Azure metadata', '169.254.169.254', 'fd00:ec2::254'],
  ['Alibaba metadata', '100.100.100.200', null],
  ['multicast', '224.0.0.1', 'ff02::1'],
  ['reserved', '240.0.0.1', null],
  ['broadcast', '255.255.255.255', null],
];

const mapped = (v4: string) => `::ffff:${v4}`;

describe('isForbiddenAddress', () => {
  for (const [label, v4, v6] of forbiddenClasses) {
    if (v4) {
      it(`${label}: ${v4}`, () => expect(isForbiddenAddress(v4)).toBe(true));
      it(`${label}: mapped ${mapped(v4)}`, () => expect(isForbiddenAddress(mapped(v4))).toBe(true));
      it(`${label}: bracketed mapped [${mapped(v4)}]`, () =>
        expect(isForbiddenAddress(`[${mapped(v4)}]`)).toBe(true));
      it(`${label}: NAT64 64:ff9b::${v4}`, () => expect(isForbiddenAddress(`64:ff9b::${v4}`)).toBe(true));
    }
    if (v6) {
      it(`${label}: ${v6}`, () => expect(isForbiddenAddress(v6)).toBe(true));
      it(`${label}: [${v6}]`, () => expect(isForbiddenAddress(`[${v6}]`)).toBe(true));
    }
  }

  it.each([
    ['mapped loopback, hex form', '::ffff:7f00:1'],
    ['mapped metadata, hex form', '::ffff:a9fe:a9fe'],
    ['mapped, upper case', '::FFFF:127.0.0.1'],
    ['mapped, fully written', '0:0:0:0:0:ffff:7f00:1'],
    ['IPv4-compatible loopback', '::127.0.0.1'],
    ['NAT64 metadata, hex form', '64:ff9b::a9fe:a9fe'],
    ['NAT64 private', '64:ff9b::a00:1'],
    ['6to4 embedding loopback', '2002:7f00:1::1'],
    ['6to4 embedding private', '2002:a00:1::'],
    ['6to4 embedding metadata', '2002:a9fe:a9fe::1'],
    ['loopback with leading zeros', '0000:0000:0000:0000:0000:0000:0000:0001'],
    ['link-local with zone id', 'fe80::1%eth0'],
    ['documentation', '2001:db8::1'],
    ['not an address', 'example.com'],
    ['empty', ''],
  ])('%s: %s', (_label, address) => {
    expect(isForbiddenAddress(address)).toBe(true);
  });

  it.each([
    ['public IPv4', '93.184.215.14'],
    ['just outside 172.16/12', '172.32.0.1'],
    ['just outside CGNAT', '100.128.0.1'],
    ['public IPv6', '2606:4700:4700::1111'],
    ['mapped public', '::ffff:8.8.8.8'],
    ['NAT64 public', '64:ff9b::8.8.8.8'],
    ['6to4 public', '2002:808:808::1'],
  ])('allows %s: %s', (_label, address) => {
    expect(isForbiddenAddress(address)).toBe(false);
  });

  it('pins a Node fact this module does not rely on: BlockList matches mapped IPv6 against IPv4 rules', () => {
    const list = new BlockList();
    list.addSubnet('127.0.0.0', 8, 'ipv4');
    expect(list.check('::ffff:7f00:1', 'ipv6')).toBe(true);
    expect(list.check('::ffff:127.0.0.1', 'ipv6')).toBe(true);
    expect(list.check('::ffff:808:808', 'ipv6')).toBe(false);
  });
});

describe('checkEndpointUrl', () => {
  const rejected: [string, string][] = [
    ['numeric IPv4, hex', 'https://0x7f.1/token'],
    ['numeric IPv4, decimal', 'https://2130706433/token'],
    ['numeric IPv4, short', 'https://127.1/token'],
    ['numeric IPv4, octal', 'https://0177.0.0.1/token'],
    ['trailing dot on an address', 'https://127.0.0.1./token'],
    ['IPv6 loopback', 'https://[::1]/token'],
    ['IPv6 unspecified', 'https://[::]/token'],
    ['IPv6 unique local', 'https://[fd00::1]/token'],
    ['IPv6 link-local', 'https://[fe80::1]/token'],
    ['IPv6 metadata', 'https://[fd00:ec2::254]/latest'],
    ['IPv6 multicast', 'https://[ff02::1]/'],
    ['mapped loopback', 'https://[::ffff:127.0.0.1]/token'],
    ['mapped private', 'https://[::ffff:10.0.0.1]/token'],
    ['mapped metadata', 'https://[::ffff:169.254.169.254]/latest'],
    ['NAT64 metadata', 'https://[64:ff9b::169.254.169.254]/latest'],
    ['6to4 loopback', 'https://[2002:7f00:1::]/token'],
    ['private 10/8', 'https://10.0.0.1/token'],
    ['private 172.16/12', 'https://172.16.0.1/token'],
    ['private 192.168/16', 'https://192.168.0.1/token'],
    ['CGNAT', 'https://100.64.0.1/token'],
    ['link-local', 'https://169.254.0.1/token'],
    ['AWS metadata', 'https://169.254.169.254/latest/meta-data/'],
    ['Alibaba metadata', 'https://100.100.100.200/latest'],
    ['unspecified', 'https://0.0.0.0/token'],
    ['multicast', 'https://224.0.0.1/token'],
    ['reserved', 'https://240.0.0.1/token'],
    ['localhost', 'https://localhost/token'],
    ['localhost, trailing dot', 'https://localhost./token'],
    ['localhost, percent-encoded', 'https://%6c%6fcalhost/token'],
    ['sub.localhost', 'https://api.localhost/token'],
    ['sub.localhost, trailing dot', 'https://api.localhost./token'],
    ['metadata', 'https://metadata/computeMetadata/v1/'],
    ['metadata.google.internal', 'https://metadata.google.internal/computeMetadata/v1/'],
    ['metadata.google.internal, trailing dot', 'https://metadata.google.internal./computeMetadata/v1/'],
    ['metadata.google.internal, upper case', 'https://METADATA.Google.Internal/'],
    ['.internal', 'https://vault.corp.internal/token'],
    ['.local', 'https://printer.local/token'],
    ['single label', 'https://intranet/token'],
    ['single label, trailing dot', 'https://intranet./token'],
    ['credentials', 'https://user:secret@example.com/token'],
    ['username only', 'https://user@example.com/token'],
    ['fragment', 'https://example.com/token#frag'],
    ['empty fragment', 'https://example.com/token#'],
    ['http without the policy', 'http://example.com/token'],
    ['http loopback without the policy', 'http://127.0.0.1:8080/token'],
    ['other scheme', 'ftp://example.com/token'],
    ['javascript', 'javascript:alert(1)'],
    ['not a URL', 'not a url'],
    ['relative', '/oauth/token'],
    ['too long', `https://example.com/${'a'.repeat(2048)}`],
  ];

  it.each(rejected)('rejects %s: %s', (_label, raw) => {
    const verdict = checkEndpointUrl(raw, strict);
    expect(verdict.ok).toBe(false);
  });

  it.each([
    ['a public name', 'https://api.dropboxapi.com/oauth2/token'],
    ['a query string', 'https://accounts.google.com/o/oauth2/v2/auth?x=1'],
    ['a port', 'https://example.com:8443/token'],
    ['a trailing dot', 'https://example.com./token'],
    ['a public address', 'https://93.184.215.14/token'],
    ['a public IPv6 address', 'https://[2606:4700:4700::1111]/token'],
    ['2048 characters', `https://example.com/${'a'.repeat(2048 - 'https://example.com/'.length)}`],
  ])('accepts %s: %s', (_label, raw) => {
    const verdict = checkEndpointUrl(raw, strict);
    expect(verdict.ok).toBe(true);
  });

  it('returns the parsed URL', () => {
    const verdict = checkEndpointUrl('https://example.com/token', strict);
    expect(verdict.ok && verdict.url.href).toBe('https://example.com/token');
  });

  it('never repeats credentials in the reason', () => {
    const verdict = checkEndpointUrl('https://admin:hunter2@10.0.0.1/token', strict);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) {
      expect(verdict.reason).not.toContain('hunter2');
      expect(verdict.reason).not.toContain('admin');
    }
    for (const raw of ['http://u:hunter2@example.com/', 'https://u:hunter2@localhost/', 'hunter2://x']) {
      const v = checkEndpointUrl(raw, strict);
      expect(v.ok).toBe(false);
      if (!v.ok) expect(v.reason).not.toContain('hunter2');
    }
  });

  describe('with allowLoopbackHttp', () => {
    it.each([
      'http://127.0.0.1:4000/token',
      'https://127.0.0.1/token',
      'http://[::1]:4000/token',
      'https://[::1]/token',
      'http://localhost:4000/token',
      'https://localhost/token',
      'http://127.1:4000/token', // the same host once URL canonicalises it
    ])('accepts %s', (raw) => {
      expect(checkEndpointUrl(raw, loopback).ok).toBe(true);
    });

    it.each([
      'http://10.0.0.1/token',
      'https://10.0.0.1/token',
      'http://127.0.0.2/token',
      'http://169.254.169.254/latest',
      'http://[::ffff:127.0.0.1]/token',
      'http://api.localhost/token',
      'http://example.com/token',
      'http://metadata.google.internal/',
      'http://user:pw@127.0.0.1/token',
      'ftp://127.0.0.1/token',
    ])('still rejects %s', (raw) => {
      expect(checkEndpointUrl(raw, loopback).ok).toBe(false);
    });
  });
});

describe('checkEndpointUrlResolved', () => {
  const resolver = (answers: Record<string, string[]>) => async (host: string) => answers[host] ?? [];

  it('accepts a public name resolving to public addresses', async () => {
    const verdict = await checkEndpointUrlResolved(
      'https://api.example.com/token',
      strict,
      resolver({ 'api.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'] }),
    );
    expect(verdict.ok).toBe(true);
  });

  it('rejects a public name resolving to a private address', async () => {
    const verdict = await checkEndpointUrlResolved(
      'https://api.example.com/token',
      strict,
      resolver({ 'api.example.com': ['10.0.0.5'] }),
    );
    expect(verdict.ok).toBe(false);
  });

  it('rejects when any one resolved address is forbidden', async () => {
    const verdict = await checkEndpointUrlResolved(
      'https://api.example.com/token',
      strict,
      resolver({ 'api.example.com': ['93.184.215.14', '127.0.0.1'] }),
    );
    expect(verdict.ok).toBe(false);
  });

  it('rejects a name resolving to a mapped metadata address', async () => {
    const verdict = await checkEndpointUrlResolved(
      'https://api.example.com/token',
      strict,
      resolver({ 'api.example.com': ['::ffff:169.254.169.254'] }),
    );
    expect(verdict.ok).toBe(false);
  });

  it('does not resolve what the syntactic check already rejects', async () => {
    let called = false;
    const verdict = await checkEndpointUrlResolved('https://localhost/token', strict, async () => {
      called = true;
      return ['93.184.215.14'];
    });
    expect(verdict.ok).toBe(false);
    expect(called).toBe(false);
  });

  it('accepts when the resolver throws', async () => {
    const verdict = await checkEndpointUrlResolved('https://api.example.com/token', strict, async () => {
      throw new Error('ENOTFOUND');
    });
    expect(verdict.ok).toBe(true);
  });

  it('accepts when the resolver throws synchronously', async () => {
    const verdict = await checkEndpointUrlResolved('https://api.example.com/token', strict, () => {
      throw new Error('boom');
    });
    expect(verdict.ok).toBe(true);
  });

  it('accepts when the resolver finds nothing', async () => {
    const verdict = await checkEndpointUrlResolved('https://api.example.com/token', strict, resolver({}));
    expect(verdict.ok).toBe(true);
  });

  it('accepts after the timeout when the resolver never settles', async () => {
    const started = Date.now();
    const verdict = await checkEndpointUrlResolved(
      'https://api.example.com/token',
      strict,
      () => new Promise<string[]>(() => {}),
      20,
    );
    expect(verdict.ok).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('lets allowed loopback names through without resolving them to loopback', async () => {
    const verdict = await checkEndpointUrlResolved('http://localhost:4000/token', loopback, async () => [
      '127.0.0.1',
    ]);
    expect(verdict.ok).toBe(true);
  });
});
