import type { Logger } from '@suite/toolbox';
import type { Collection, Document, MongoClient } from 'mongodb';
import { isMongoUnreachable } from './mongo.js';

export interface IndexKeeper {
  /** Creates the indexes; safe to run on every start. */
  create(): Promise<void>;
  /** Resolves once the indexes exist again after the driver lost the server; undefined when nothing is in doubt. */
  ready(): Promise<void> | undefined;
}

/**
 * The log indexes, and their return after MongoDB comes back without its data (a restarted stand-in,
 * a replaced volume): that loses the unique event_id index, and with it exactly-once storage of events.
 * Any sign that the server went away puts the indexes in doubt; the next write creates them again, and
 * concurrent writes wait for that one attempt.
 */
export function createIndexKeeper<T extends Document>(
  client: MongoClient,
  collection: Collection<T>,
  logger?: Logger,
): IndexKeeper {
  const create = async () => {
    await collection.createIndexes([
      { key: { created_at: -1 }, name: 'created_at_-1' },
      { key: { event_id: 1 }, name: 'event_id_1', unique: true, sparse: true },
    ]);
  };

  let inDoubt = false;
  let recreating: Promise<void> | undefined;
  const doubt = () => {
    inDoubt = true;
  };
  // A short outage between heartbeats shows only in the pool: connections dying or failing to open.
  client.on('serverHeartbeatFailed', doubt);
  client.on('connectionPoolCleared', doubt);
  client.on('connectionClosed', (event) => event.reason === 'error' && doubt());
  client.on('connectionCheckOutFailed', (event) => event.reason === 'connectionError' && doubt());

  return {
    create,
    ready() {
      if (!inDoubt) return recreating;
      inDoubt = false;
      recreating = create()
        .catch((err: unknown) => {
          if (isMongoUnreachable(err)) {
            inDoubt = true;
            throw err;
          }
          // Refused for good (e.g. duplicates stored while the index was missing): writes go on, and
          // the event-id upsert still keeps redelivered events single.
          logger?.error({ err }, 'could not re-create the log indexes');
        })
        .finally(() => {
          recreating = undefined;
        });
      return recreating;
    },
  };
}
