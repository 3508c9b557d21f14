import { describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import { silentLogger } from '../log/logger.js';
import { createTestApp } from '../test-support/app.js';
import { availableEngines, createTestDatabase } from '../test-support/databases.js';

const engines = await availableEngines();

describe.each(engines)('health on %s', (engine) => {
  it('is live and ready on a migrated database', async () => {
    const t = await createTestApp({ engine });
    try {
      expect(await (await t.app.request('/healthz')).json()).toEqual({ status: 'ok' });
      const ready = await t.app.request('/readyz');
      expect(ready.status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('is not ready before migrations, nor once the database is gone', async () => {
    const unmigrated = await createTestDatabase(engine, false);
    const t = await createTestApp({ engine });
    const { app } = createApp({ ...t.deps, database: unmigrated.database, log: silentLogger });
    try {
      const before = await app.request('/readyz');
      expect(before.status).toBe(503);
      expect((await before.json()).code).toBe('service_unavailable');
      await unmigrated.database.migrate();
      expect((await app.request('/readyz')).status).toBe(200);
      await unmigrated.destroy();
      const gone = await app.request('/readyz');
      expect(gone.status).toBe(503);
      expect((await app.request('/healthz')).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
