import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { type MongoStandin, startMongoStandin } from '../../src/index.js';

export const uniqueName = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`;

export async function startWithClient(
  options: Parameters<typeof startMongoStandin>[0] = {},
): Promise<{ standin: MongoStandin; client: MongoClient }> {
  const standin = await startMongoStandin({ port: 0, ...options });
  const client = new MongoClient(standin.url, { serverSelectionTimeoutMS: 2000 });
  await client.connect();
  return { standin, client };
}
