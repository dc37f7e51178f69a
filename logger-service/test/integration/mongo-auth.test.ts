import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLogStore, LOGS_COLLECTION } from '../../src/store/logs.js';
import { createMongoClient, databaseNameFromUrl } from '../../src/store/mongo.js';
import { startTestMongo, type TestMongo } from '../support/mongo.js';
import { type RunningService, startService } from '../support/service.js';

/** The user of docker-compose.yml's MongoDB. */
const COMPOSE_USER = { username: 'admin', password: 'password' };

describe('MongoDB with credentials', () => {
  let mongo: TestMongo;
  let service: RunningService;

  before(async () => {
    mongo = await startTestMongo({ auth: COMPOSE_USER });
    service = await startService(mongo);
  });
  after(async () => {
    await service?.close();
    await mongo?.close();
  });

  test('when MONGO_URL has the Compose form user:password@host/db?authSource=admin, then the service reads and writes', async () => {
    if (!process.env.MONGO_URL) {
      assert.match(
        mongo.url,
        /^mongodb:\/\/admin:password@127\.0\.0\.1:\d+\/logs_test_\w+\?authSource=admin$/,
      );
    }
    const response = await fetch(`${service.httpUrl}/log`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'auth-req' },
      body: JSON.stringify({ name: 'with-credentials', data: 'd' }),
    });
    assert.equal(response.status, 202);
    const ready = await fetch(`${service.httpUrl}/readyz`);
    assert.equal(ready.status, 200);
    const stored = await mongo.db.collection(LOGS_COLLECTION).findOne({ request_id: 'auth-req' });
    assert.equal(stored?.name, 'with-credentials');
  });

  test('when the password is wrong, then the store fails with an authentication error, not a hang', {
    skip: process.env.MONGO_URL ? 'the credentials of a real MONGO_URL server are not ours to vary' : false,
  }, async () => {
    const url = mongo.url.replace(':password@', ':wrong@');
    const client = createMongoClient(url, { serverSelectionTimeoutMS: 1500 });
    try {
      const store = createLogStore(client.db(databaseNameFromUrl(url)));
      await assert.rejects(store.init(), (err: Error & { summary?: string }) => {
        // The driver's words stay in the cause, for the log; the summary names only what failed.
        assert.equal(err.summary, 'MongoDB could not create indexes');
        assert.match(String((err.cause as Error).message), /Authentication failed/i);
        return true;
      });
    } finally {
      await client.close();
    }
  });
});
