import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type HTTPResponse, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type ServedBroker, serveBroker } from './support/serve-app.js';

/**
 * The reference page at /docs in a real browser (Debian's chromium, driven by
 * puppeteer-core): the operations render, the try-it gets a service token at
 * /oauth/token and uses it, and no request leaves 127.0.0.1.
 */

const CHROMIUM = '/usr/bin/chromium';
const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser) {
  // Visible in the run's output, besides the skipped count.
  process.stderr.write(
    `\nNOTICE: ${CHROMIUM} is missing: the /docs browser test is SKIPPED (.ci/run installs it)\n\n`,
  );
}

let broker: ServedBroker;
let browser: Browser;
let page: Page;
/** Every request the page made that was not to 127.0.0.1 (blocked). */
const outside: string[] = [];
/** What the browser reported: CSP violations, script errors, failed loads. */
const problems: string[] = [];

beforeAll(async () => {
  if (!hasBrowser) return;
  broker = await serveBroker();
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  page = await browser.newPage();
  await keepLocal(page);
  page.on('console', (message) => {
    // Failed loads are recorded with their URL below.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      problems.push(`console: ${message.text()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
  });
  page.on('pageerror', (error) => problems.push(`page: ${String(error)}`));
  await page.evaluateOnNewDocument(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      // biome-ignore lint/suspicious/noConsole: runs in the page, whose console the test reads
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
}, 60_000);

/** Lets requests to 127.0.0.1 through; blocks and records any other. */
async function keepLocal(target: Page): Promise<void> {
  await target.setRequestInterception(true);
  target.on('request', (request) => {
    const url = new URL(request.url());
    if (url.protocol === 'data:' || url.protocol === 'blob:' || url.hostname === '127.0.0.1') {
      void request.continue();
    } else {
      outside.push(request.url());
      void request.abort('blockedbyclient');
    }
  });
}

afterAll(async () => {
  await browser?.close();
  await broker?.close();
});

describe.skipIf(!hasBrowser)('/docs in Chromium', () => {
  it('renders every operation of the spec, with nothing fetched from outside and no CSP violation', async () => {
    await page.goto(`${broker.url}/docs`, { waitUntil: 'load', timeout: 60_000 });
    await page.waitForSelector('.opblock', { timeout: 60_000 }).catch((error) => {
      throw new Error(`${String(error)}\n${problems.join('\n')}\n${outside.join('\n')}`);
    });
    const document = parse(await (await fetch(`${broker.url}/openapi.yaml`)).text());
    const operationIds = Object.values<Record<string, { operationId: string }>>(document.paths).flatMap(
      (item) => Object.values(item).map((operation) => operation.operationId),
    );
    const rendered = await page.$$eval('.opblock .opblock-summary-operation-id', (nodes) =>
      nodes.map((n) => n.textContent?.trim()),
    );
    expect(rendered.sort()).toEqual([...operationIds].sort());
    expect(await page.$eval('.info .title', (n) => n.textContent)).toContain('Custodian');
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
  }, 90_000);

  it('obtains a service token at /oauth/token (client credentials) and calls a service route with it', async () => {
    const client = await broker.t.client();
    await page.click('.auth-wrapper .authorize');
    await page.waitForSelector('input[id^="client_id_"]');
    await page.type('input[id^="client_id_"]', client.clientId);
    await page.type('input[id^="client_secret_"]', client.secret);
    const tokenAnswer = page.waitForResponse((r) => new URL(r.url()).pathname === '/oauth/token');
    // The Authorize button of the block that holds the client credentials.
    await page.$eval('input[id^="client_id_"]', (input) => {
      const block = input.closest('.auth-container');
      (block?.querySelector('button.authorize') as HTMLButtonElement | null)?.click();
    });
    const token: HTTPResponse = await tokenAnswer;
    expect(token.status()).toBe(200);
    expect(token.request().headers().authorization).toMatch(/^Basic /);
    expect(((await token.json()) as { token_type: string }).token_type).toBe('Bearer');
    await page.click('.dialog-ux .close-modal');

    await page.click('#operations-providers-listEnabledProviders .opblock-summary-control');
    await page.waitForSelector('#operations-providers-listEnabledProviders .execute');
    const listed = page.waitForResponse((r) => new URL(r.url()).pathname === '/v1/providers');
    await page.click('#operations-providers-listEnabledProviders .execute');
    const answer = await listed;
    expect(answer.status()).toBe(200);
    expect(answer.request().headers().authorization).toMatch(/^Bearer ey/);
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
  }, 90_000);

  it('would see and block a request to another host (the checks above can fail)', async () => {
    const probe = await browser.newPage();
    await keepLocal(probe);
    await expect(probe.goto('http://192.0.2.1/probe')).rejects.toThrow(/ERR_BLOCKED_BY_CLIENT/);
    expect(outside).toEqual(['http://192.0.2.1/probe']);
    await probe.close();
  });
});
