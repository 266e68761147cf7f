import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config/load-config.js';
import { createServices, type Services } from '../../src/app/create-services.js';
import { seedFromConfig } from '../../src/seed/seed-from-config.js';
import { signIn } from '../../src/interaction/sign-in.js';
import { DATABASES, SQLITE_DRIVER, createTestDatabase } from '../support/databases.js';
import { TEST_SECRET } from '../support/test-provider.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const GUESSES = 12;
const LIMIT = 4;

/**
 * Security review finding 3: the throttle was checked (peek) before the password hash and
 * counted after it, so a burst of parallel guesses all passed the check. Each attempt is now
 * reserved in the shared store before hashing; two provider instances share the count.
 */
for (const backend of ['database', 'redis'] as const) {
  for (const kind of DATABASES) {
    describe(`sign-in throttling under parallel guesses (${backend} store, ${kind})`, () => {
      const instances: Services[] = [];
      let drop: () => Promise<void>;
      let prefix: string;
      before(async () => {
        const database = await createTestDatabase(kind);
        drop = database.drop;
        prefix = `tessera-test:${randomBytes(6).toString('hex')}:`;
        const config = loadConfig({
          env: {},
          overrides: {
            databaseUrl: database.url,
            sqliteDriver: SQLITE_DRIVER,
            secret: TEST_SECRET,
            redisUrl: backend === 'redis' ? REDIS_URL : '',
            redisKeyPrefix: prefix,
            users: [{ username: 'dana', password: 'dana-password' }],
            signIn: { maxFailuresPerAccountAndAddress: LIMIT, maxFailuresPerAddress: 100, maxFailuresPerAccount: 100, window: 900 },
          },
        });
        instances.push(await createServices(config, { schema: database.schema }));
        instances.push(await createServices(config, { schema: database.schema }));
        await seedFromConfig(instances[0]);
      });
      after(async () => {
        for (const services of instances) await services.close();
        await drop();
        if (backend === 'redis') {
          const redis = new Redis(REDIS_URL);
          const keys = await redis.keys(`${prefix}*`);
          if (keys.length) await redis.del(...keys);
          await redis.quit();
        }
      });

      it(`${GUESSES} parallel wrong passwords, split over two instances, count ${GUESSES}: only ${LIMIT} are checked`, async () => {
        const results = await Promise.all(
          Array.from({ length: GUESSES }, (_, i) =>
            signIn(instances[i % 2], { username: 'dana', password: `wrong-password-${i}`, address: '10.9.0.1' }),
          ),
        );
        const failures = results.map((r) => ('failure' in r ? r.failure : 'signed-in'));
        assert.equal(failures.filter((f) => f === 'invalid').length, LIMIT, failures.join(' '));
        assert.equal(failures.filter((f) => f === 'throttled').length, GUESSES - LIMIT, failures.join(' '));
      });
    });
  }
}
