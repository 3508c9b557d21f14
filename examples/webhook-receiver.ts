/**
 * A receiver of the broker's connection events: checks each delivery's
 * signature and timestamp with the SDK's `verifyWebhook`, logs the event and
 * answers 204 (any 2xx tells the broker it arrived; anything else makes it
 * try again later, with the same `webhook-id`).
 *
 *   CUSTODIAN_WEBHOOK_SECRETS=whsec_… PORT=8787 npm run example:webhooks
 *
 * During a secret rotation, list both secrets, comma-separated. Applications
 * import the SDK as `custodian/sdk`; this example sits in the repository, so
 * it imports the source directly.
 */
import { createServer, type Server } from 'node:http';
import { verifyWebhook, type WebhookEvent, WebhookVerificationError } from '../src/sdk/index.js';

/** What to do with an event; here, one log line. Keep it quick, or queue it: the broker waits for the answer. */
function handle(event: WebhookEvent, log: (line: string) => void) {
  const { type, data } = event;
  switch (type) {
    case 'connection.needs_reauth':
    case 'connect_session.failed':
      log(`${type}: ${data.tenant}/${data.end_user} at ${data.provider_id} (${event.data.error})`);
      break;
    default:
      log(`${type}: connection ${data.connection_id ?? '-'} is ${data.status}`);
  }
}

export function createWebhookReceiver(secrets: string[], log: (line: string) => void = console.log): Server {
  // Ids already handled: delivery is at least once, so a retry of a delivered event can come.
  const seen = new Set<string>();
  return createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      try {
        // The raw bytes, exactly as sent: parsing first would change what was signed.
        const event = await verifyWebhook(Buffer.concat(chunks), request.headers, secrets);
        const id = String(request.headers['webhook-id']);
        if (!seen.has(id)) {
          seen.add(id);
          handle(event, log);
        }
        response.writeHead(204).end();
      } catch (error) {
        const code = error instanceof WebhookVerificationError ? error.code : 'error';
        log(`refused a delivery: ${code}`);
        response.writeHead(error instanceof WebhookVerificationError ? 401 : 500).end();
      }
    });
  });
}

if (process.argv[1]?.endsWith('webhook-receiver.js')) {
  const secrets = (process.env.CUSTODIAN_WEBHOOK_SECRETS ?? '').split(',').filter(Boolean);
  if (secrets.length === 0) {
    process.stderr.write('set CUSTODIAN_WEBHOOK_SECRETS to the endpoint secret (whsec_…)\n');
    process.exit(2);
  }
  const port = Number(process.env.PORT ?? 8787);
  createWebhookReceiver(secrets).listen(port, '127.0.0.1', () =>
    console.log(`listening on http://127.0.0.1:${port}/`),
  );
}
