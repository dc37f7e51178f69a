import { EJSON } from 'bson';
import { type Doc, valuesAtPath } from '../documents.js';
import { badValue, CommandError } from '../errors.js';
import { aggregateDocuments, findDocuments } from '../query.js';
import {
  arrayArgument,
  type CommandHandler,
  collectionArgument,
  documentArgument,
  integerArgument,
  namespaceOf,
  nonNegative,
  resolverFor,
} from './context.js';

const find: CommandHandler = (ctx) => {
  const name = collectionArgument(ctx);
  const { command } = ctx;
  const limit = integerArgument(command, 'limit') ?? 0;
  const collection = ctx.server.store.collection(ctx.db, name);
  const filter = documentArgument(command, 'filter') ?? {};
  const docs = collection
    ? findDocuments(collection.candidatesFor(filter), filter, {
        sort: documentArgument(command, 'sort'),
        projection: documentArgument(command, 'projection'),
        skip: nonNegative('skip', integerArgument(command, 'skip')),
        limit: Math.abs(limit),
      })
    : [];
  // A negative limit is the legacy way of asking for a single batch.
  const singleBatch = command.singleBatch === true || limit < 0;
  const batchSize = nonNegative('batchSize', integerArgument(command, 'batchSize'));
  return ctx.server.cursors.open(namespaceOf(ctx, name), docs, batchSize, singleBatch);
};

const getMore: CommandHandler = (ctx) => {
  const collection = ctx.command.collection;
  if (typeof collection !== 'string') throw badValue("getMore needs the 'collection' field");
  const batchSize = integerArgument(ctx.command, 'batchSize');
  return ctx.server.cursors.getMore(ctx.command.getMore, namespaceOf(ctx, collection), batchSize);
};

const killCursors: CommandHandler = (ctx) => {
  const { killed, notFound } = ctx.server.cursors.kill(arrayArgument(ctx.command, 'cursors'));
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
};

const count: CommandHandler = (ctx) => {
  const name = collectionArgument(ctx);
  const collection = ctx.server.store.collection(ctx.db, name);
  if (!collection) return { n: 0, ok: 1 };
  const query = documentArgument(ctx.command, 'query') ?? {};
  const skip = nonNegative('skip', integerArgument(ctx.command, 'skip')) ?? 0;
  const limit = Math.abs(integerArgument(ctx.command, 'limit') ?? 0);
  const matched =
    Object.keys(query).length === 0 ? collection.docs.length : findDocuments(collection.docs, query).length;
  const afterSkip = Math.max(0, matched - skip);
  return { n: limit > 0 ? Math.min(limit, afterSkip) : afterSkip, ok: 1 };
};

const distinct: CommandHandler = (ctx) => {
  const name = collectionArgument(ctx);
  const key = ctx.command.key;
  if (typeof key !== 'string' || key.length === 0) throw badValue("distinct needs a non-empty 'key'");
  const collection = ctx.server.store.collection(ctx.db, name);
  const docs = collection ? findDocuments(collection.docs, documentArgument(ctx.command, 'query') ?? {}) : [];
  const path = key.split('.');
  const values = new Map<string, unknown>();
  for (const doc of docs) {
    for (const value of valuesAtPath(doc, path)) {
      if (value !== undefined) values.set(EJSON.stringify(value, { relaxed: false }), value);
    }
  }
  return { values: [...values.values()], ok: 1 };
};

const aggregate: CommandHandler = (ctx) => {
  if (ctx.command.aggregate === 1) {
    throw new CommandError(
      2,
      'BadValue',
      'collectionless aggregate ({aggregate: 1}) is not supported by the MongoDB stand-in',
    );
  }
  const name = collectionArgument(ctx);
  const pipeline = arrayArgument(ctx.command, 'pipeline');
  if (ctx.command.explain === true) throw badValue('explain is not supported by the MongoDB stand-in');
  const cursorOptions = documentArgument(ctx.command, 'cursor');
  if (!cursorOptions) {
    throw new CommandError(
      9,
      'FailedToParse',
      "The 'cursor' option is required, except for aggregate with the explain argument",
    );
  }
  const collection = ctx.server.store.collection(ctx.db, name);
  const docs = aggregateDocuments(collection?.docs ?? [], pipeline as Doc[], resolverFor(ctx));
  const batchSize = nonNegative('batchSize', integerArgument(cursorOptions, 'batchSize'));
  return ctx.server.cursors.open(namespaceOf(ctx, name), docs, batchSize);
};

export const readCommands: Record<string, CommandHandler> = {
  find,
  getMore,
  killCursors,
  count,
  distinct,
  aggregate,
};
