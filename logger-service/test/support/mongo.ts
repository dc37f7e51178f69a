import { withMongoDatabase } from '@suite/mongo-standin';
import { uniqueName } from '@suite/test-kit';
import type { Db, MongoClient } from 'mongodb';
import { createLogStore, type LogStore } from '../../src/store/logs.js';
import { createMongoClient, databaseNameFromUrl } from '../../src/store/mongo.js';

export interface TestMongo {
  url: string;
  client: MongoClient;
  db: Db;
  store: LogStore;
  /** Only the stand-in can be stopped and started again; a real MONGO_URL server is left alone. */
  canRestart: boolean;
  stop(): Promise<void>;
  /** Starts a fresh stand-in on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

interface Standin {
  port: number;
  url: string;
  close(): Promise<void>;
}

/**
 * A MongoDB for one test file: the stand-in on an ephemeral port, or the server in `MONGO_URL`;
 * either way a database with a random name, dropped at the end.
 */
export async function startTestMongo(
  options: {
    serverSelectionTimeoutMS?: number;
    /** The stand-in then requires SCRAM-SHA-256 as this user, like Compose's MongoDB; `MONGO_URL` brings its own. */
    auth?: { username: string; password: string };
  } = {},
): Promise<TestMongo> {
  const database = uniqueName('logs_test');
  const external = process.env.MONGO_URL;
  let standin: Standin | undefined;
  let standinPort = 0;
  let url: string;
  if (external) {
    url = withMongoDatabase(external, database);
  } else {
    const { startMongoStandin } = await import('@suite/mongo-standin');
    standin = await startMongoStandin({ port: 0, auth: options.auth });
    standinPort = standin.port;
    url = withMongoDatabase(standin.url, database);
  }
  const client = createMongoClient(url, {
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 1500,
  });
  const db = client.db(databaseNameFromUrl(url));
  const store = createLogStore(db);
  await store.init();

  return {
    url,
    client,
    db,
    store,
    canRestart: !external,
    async stop() {
      await standin?.close();
      standin = undefined;
    },
    async start() {
      if (external || standin) return;
      const { startMongoStandin } = await import('@suite/mongo-standin');
      standin = await startMongoStandin({ port: standinPort, auth: options.auth });
    },
    async close() {
      if (external) await db.dropDatabase().catch(() => {});
      await client.close();
      await standin?.close();
    },
  };
}
