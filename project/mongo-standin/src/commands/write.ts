import { type Doc, isPlainObject, withIdFirst } from '../documents.js';
import { badValue, errorReply, typeMismatch } from '../errors.js';
import { findDocuments, matchingDocuments } from '../query.js';
import type { Collection } from '../store.js';
import { applyUpdate, buildUpsertDocument, validateUpdateSpec } from '../updates.js';
import {
  arrayArgument,
  type CommandContext,
  type CommandHandler,
  collectionArgument,
  documentArgument,
} from './context.js';

interface WriteError {
  index: number;
  code: number;
  errmsg: string;
  [extra: string]: unknown;
}

function writeError(index: number, err: unknown): WriteError {
  const { code, errmsg, ok: _, codeName: __, ...extra } = errorReply(err);
  return { index, code: code as number, errmsg: errmsg as string, ...extra };
}

/** Write commands succeed at the command level and list per-statement failures, as MongoDB does. */
function writeReply(counts: Doc, writeErrors: WriteError[]): Doc {
  return writeErrors.length > 0 ? { ...counts, writeErrors, ok: 1 } : { ...counts, ok: 1 };
}

function newDocument(raw: unknown): Doc {
  if (!isPlainObject(raw)) throw typeMismatch('each document to insert must be an object');
  if (Array.isArray(raw._id)) throw badValue("can't use an array for _id");
  return withIdFirst(raw);
}

const insert: CommandHandler = (ctx) => {
  const name = collectionArgument(ctx);
  const documents = arrayArgument(ctx.command, 'documents');
  const ordered = ctx.command.ordered !== false;
  const { collection } = ctx.server.store.ensureCollection(ctx.db, name);
  let n = 0;
  const writeErrors: WriteError[] = [];
  for (const [index, raw] of documents.entries()) {
    try {
      collection.insert(newDocument(raw));
      n++;
    } catch (err) {
      writeErrors.push(writeError(index, err));
      if (ordered) break;
    }
  }
  return writeReply({ n }, writeErrors);
};

interface UpdateOutcome {
  matched: number;
  modified: number;
  upsertedId?: unknown;
}

function updateStatement(ctx: CommandContext, name: string, statement: Doc): UpdateOutcome {
  const filter = documentArgument(statement, 'q') ?? {};
  const multi = statement.multi === true;
  const update = statement.u;
  validateUpdateSpec(update, multi);
  const arrayFilters = Array.isArray(statement.arrayFilters) ? (statement.arrayFilters as Doc[]) : undefined;
  const collection = ctx.server.store.collection(ctx.db, name);
  const matches = collection ? matchingDocuments(collection, filter) : [];
  const targets = multi ? matches : matches.slice(0, 1);
  if (targets.length === 0) {
    if (statement.upsert !== true) return { matched: 0, modified: 0 };
    const doc = buildUpsertDocument(filter, update, arrayFilters);
    upsertInto(ctx, name).insert(doc);
    return { matched: 0, modified: 0, upsertedId: doc._id };
  }
  let modified = 0;
  for (const current of targets) {
    const { updated, changed } = applyUpdate(current, update, filter, arrayFilters);
    if (changed) {
      collection!.replace(current, updated);
      modified++;
    }
  }
  return { matched: targets.length, modified };
}

const update: CommandHandler = (ctx) => {
  const name = collectionArgument(ctx);
  const statements = arrayArgument(ctx.command, 'updates');
  const ordered = ctx.command.ordered !== false;
  let n = 0;
  let nModified = 0;
  const upserted: Array<{ index: number; _id: unknown }> = [];
  const writeErrors: WriteError[] = [];
  for (const [index, statement] of statements.entries()) {
    try {
      if (!isPlainObject(statement)) throw typeMismatch('each update statement must be an object');
      const outcome = updateStatement(ctx, name, statement);
      n += outcome.matched;
      nModified += outcome.modified;
      if (outcome.upsertedId !== undefined) {
        n++;
        upserted.push({ index, _id: outcome.upsertedId });
      }
    } catch (err) {
      writeErrors.push(writeError(index, err));
      if (ordered) break;
    }
  }
  return writeReply(upserted.length > 0 ? { n, nModified, upserted } : { n, nModified }, writeErrors);
};

const remove: CommandHandler = (ctx) => {
  const name = collectionArgument(ctx);
  const statements = arrayArgument(ctx.command, 'deletes');
  const ordered = ctx.command.ordered !== false;
  const collection = ctx.server.store.collection(ctx.db, name);
  let n = 0;
  const writeErrors: WriteError[] = [];
  for (const [index, statement] of statements.entries()) {
    try {
      if (!isPlainObject(statement)) throw typeMismatch('each delete statement must be an object');
      if (statement.limit !== 0 && statement.limit !== 1)
        throw badValue('The limit field in delete objects must be 0 or 1');
      if (!collection) continue;
      const filter = documentArgument(statement, 'q') ?? {};
      const matches = matchingDocuments(collection, filter);
      const doomed = statement.limit === 1 ? matches.slice(0, 1) : matches;
      collection.remove(new Set(doomed));
      n += doomed.length;
    } catch (err) {
      writeErrors.push(writeError(index, err));
      if (ordered) break;
    }
  }
  return writeReply({ n }, writeErrors);
};

const findAndModify: CommandHandler = (ctx) => {
  const name = collectionArgument(ctx);
  const { command } = ctx;
  const filter = documentArgument(command, 'query') ?? {};
  const fields = documentArgument(command, 'fields');
  const returnNew = command.new === true;
  const collection = ctx.server.store.collection(ctx.db, name);
  const [target] = collection
    ? findDocuments(collection.candidatesFor(filter), filter, {
        sort: documentArgument(command, 'sort'),
        limit: 1,
      })
    : [];
  const shape = (doc: Doc | undefined) =>
    doc && fields ? (findDocuments([doc], {}, { projection: fields })[0] ?? null) : (doc ?? null);

  if (command.remove === true) {
    if (command.update !== undefined) throw badValue('Cannot specify both an update and remove=true');
    if (target) collection!.remove(new Set([target]));
    return { lastErrorObject: { n: target ? 1 : 0 }, value: shape(target), ok: 1 };
  }
  const update = command.update;
  validateUpdateSpec(update, false);
  const arrayFilters = Array.isArray(command.arrayFilters) ? (command.arrayFilters as Doc[]) : undefined;
  if (target) {
    const { updated, changed } = applyUpdate(target, update, filter, arrayFilters);
    if (changed) collection!.replace(target, updated);
    return {
      lastErrorObject: { n: 1, updatedExisting: true },
      value: shape(returnNew ? updated : target),
      ok: 1,
    };
  }
  if (command.upsert === true) {
    const doc = buildUpsertDocument(filter, update, arrayFilters);
    upsertInto(ctx, name).insert(doc);
    return {
      lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id },
      value: returnNew ? shape(doc) : null,
      ok: 1,
    };
  }
  return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
};

const upsertInto = (ctx: CommandContext, name: string): Collection =>
  ctx.server.store.ensureCollection(ctx.db, name).collection;

export const writeCommands: Record<string, CommandHandler> = {
  insert,
  update,
  delete: remove,
  findAndModify,
  findandmodify: findAndModify,
};
