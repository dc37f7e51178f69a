import { calculateObjectSize } from 'bson';
import { type Doc, isPlainObject } from '../documents.js';
import { badValue, namespaceNotFound, unauthorized } from '../errors.js';
import { findDocuments } from '../query.js';
import { defaultIndexName, type IndexSpec } from '../store.js';
import {
  arrayArgument,
  type CommandHandler,
  collectionArgument,
  documentArgument,
  integerArgument,
  namespaceOf,
} from './context.js';

const createIndexes: CommandHandler = (ctx) => {
  const name = collectionArgument(ctx);
  const requested = arrayArgument(ctx.command, 'indexes');
  if (requested.length === 0) throw badValue('Must specify at least one index to create');
  const { collection, created } = ctx.server.store.ensureCollection(ctx.db, name);
  const numIndexesBefore = collection.indexSpecs().length;
  let createdAny = false;
  for (const raw of requested) {
    if (!isPlainObject(raw) || !isPlainObject(raw.key)) throw badValue("each index needs a 'key' object");
    const { key, name: indexName, v: _, ...options } = raw;
    const spec: IndexSpec = {
      v: 2,
      key,
      name: typeof indexName === 'string' ? indexName : defaultIndexName(key),
      ...options,
    };
    if (collection.createIndex(spec)) createdAny = true;
  }
  const reply: Doc = {
    numIndexesBefore,
    numIndexesAfter: collection.indexSpecs().length,
    createdCollectionAutomatically: created,
    ok: 1,
  };
  if (!createdAny) reply.note = 'all indexes already exist';
  return reply;
};

const listIndexes: CommandHandler = (ctx) => {
  const name = collectionArgument(ctx);
  const collection = ctx.server.store.collection(ctx.db, name);
  if (!collection) throw namespaceNotFound(`ns does not exist: ${namespaceOf(ctx, name)}`);
  const batchSize = integerArgument(documentArgument(ctx.command, 'cursor') ?? {}, 'batchSize');
  return ctx.server.cursors.open(namespaceOf(ctx, name), collection.indexSpecs(), batchSize);
};

const dropIndexes: CommandHandler = (ctx) => {
  const name = collectionArgument(ctx);
  const collection = ctx.server.store.collection(ctx.db, name);
  if (!collection) throw namespaceNotFound(`ns not found ${namespaceOf(ctx, name)}`);
  return { nIndexesWas: collection.dropIndexes(ctx.command.index), ok: 1 };
};

const listCollections: CommandHandler = (ctx) => {
  const nameOnly = ctx.command.nameOnly === true;
  const entries = ctx.server.store.collections(ctx.db).map((collection) =>
    nameOnly
      ? { name: collection.name, type: 'collection' }
      : {
          name: collection.name,
          type: 'collection',
          options: collection.options,
          info: { readOnly: false, uuid: collection.uuid },
          idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
        },
  );
  const filter = documentArgument(ctx.command, 'filter') ?? {};
  const batchSize = integerArgument(documentArgument(ctx.command, 'cursor') ?? {}, 'batchSize');
  return ctx.server.cursors.open(`${ctx.db}.$cmd.listCollections`, findDocuments(entries, filter), batchSize);
};

const listDatabases: CommandHandler = (ctx) => {
  if (ctx.db !== 'admin') throw unauthorized('listDatabases may only be run against the admin database.');
  const { store } = ctx.server;
  const databases = store.databaseNames().map((name) => {
    const sizeOnDisk = store
      .collections(name)
      .reduce(
        (sum, collection) => sum + collection.docs.reduce((s, doc) => s + calculateObjectSize(doc), 0),
        0,
      );
    return { name, sizeOnDisk, empty: sizeOnDisk === 0 };
  });
  const selected = findDocuments(databases, documentArgument(ctx.command, 'filter') ?? {});
  if (ctx.command.nameOnly === true) return { databases: selected.map(({ name }) => ({ name })), ok: 1 };
  const totalSize = selected.reduce((sum, db) => sum + (db.sizeOnDisk as number), 0);
  return { databases: selected, totalSize, totalSizeMb: Math.floor(totalSize / 1024 / 1024), ok: 1 };
};

const drop: CommandHandler = (ctx) => {
  const name = collectionArgument(ctx);
  const dropped = ctx.server.store.dropCollection(ctx.db, name);
  // MongoDB 7 answers ok for a collection that does not exist.
  return dropped
    ? { nIndexesWas: dropped.indexSpecs().length, ns: namespaceOf(ctx, name), ok: 1 }
    : { ok: 1 };
};

const dropDatabase: CommandHandler = (ctx) => {
  ctx.server.store.dropDatabase(ctx.db);
  return { dropped: ctx.db, ok: 1 };
};

const create: CommandHandler = (ctx) => {
  const name = collectionArgument(ctx);
  const options = Object.fromEntries(
    Object.entries(ctx.command).filter(([field]) => COLLECTION_OPTIONS.has(field)),
  );
  ctx.server.store.createCollection(ctx.db, name, options);
  return { ok: 1 };
};

/** What listCollections echoes back; session and read/write concern fields of `create` are not options. */
const COLLECTION_OPTIONS = new Set([
  'capped',
  'size',
  'max',
  'validator',
  'validationLevel',
  'validationAction',
  'collation',
  'expireAfterSeconds',
  'timeseries',
  'clusteredIndex',
]);

export const adminCommands: Record<string, CommandHandler> = {
  createIndexes,
  listIndexes,
  dropIndexes,
  deleteIndexes: dropIndexes,
  listCollections,
  listDatabases,
  drop,
  dropDatabase,
  create,
};
