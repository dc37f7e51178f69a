import { EJSON } from 'bson';
import { type Doc, isPlainObject, setAtPath, withIdFirst } from './documents.js';
import { CommandError } from './errors.js';
import { applyPipelineUpdate, applyUpdateOperators } from './query.js';

export type UpdateSpec = Doc | Doc[];

const failedToParse = (message: string) => new CommandError(9, 'FailedToParse', message);
const immutableId = () =>
  new CommandError(
    66,
    'ImmutableField',
    "Performing an update on the path '_id' would modify the immutable field '_id'",
  );

function isOperatorUpdate(update: UpdateSpec): boolean {
  if (Array.isArray(update)) return false;
  const keys = Object.keys(update);
  const operators = keys.filter((key) => key.startsWith('$'));
  if (operators.length > 0 && operators.length !== keys.length) {
    throw failedToParse(
      `Unknown modifier: ${keys.find((key) => !key.startsWith('$'))}. Expected a valid update modifier`,
    );
  }
  return operators.length > 0;
}

export function validateUpdateSpec(update: unknown, multi: boolean): asserts update is UpdateSpec {
  if (!Array.isArray(update) && !isPlainObject(update)) {
    throw new CommandError(14, 'TypeMismatch', 'Update argument must be either an object or an array');
  }
  if (multi && !Array.isArray(update) && !isOperatorUpdate(update)) {
    throw failedToParse('multi update is not supported for replacement-style update');
  }
}

/** The new version of a stored document; the stored one is left untouched. */
export function applyUpdate(
  current: Doc,
  update: UpdateSpec,
  filter: Doc,
  arrayFilters: Doc[] | undefined,
): { updated: Doc; changed: boolean } {
  let updated: Doc;
  if (Array.isArray(update)) {
    updated = applyPipelineUpdate(current, update);
  } else if (isOperatorUpdate(update)) {
    const { $setOnInsert: _, ...operators } = update;
    if (Object.keys(operators).length === 0) return { updated: current, changed: false };
    updated = applyOperators(current, operators, filter, arrayFilters);
  } else {
    if ('_id' in update && !sameValue(update._id, current._id)) throw immutableId();
    const { _id, ...fields } = update;
    updated = { _id: current._id, ...fields };
  }
  if (!sameValue(updated._id, current._id)) throw immutableId();
  return { updated, changed: !sameValue(updated, current) };
}

/** The document an upsert inserts: the filter's equality fields, then the update (with $setOnInsert). */
export function buildUpsertDocument(filter: Doc, update: UpdateSpec, arrayFilters: Doc[] | undefined): Doc {
  const seed = equalityFields(filter);
  let doc: Doc;
  if (Array.isArray(update)) {
    doc = applyPipelineUpdate(seed, update);
  } else if (isOperatorUpdate(update)) {
    const { $setOnInsert, ...operators } = update;
    const modifier: Doc = { ...operators };
    if (isPlainObject($setOnInsert))
      modifier.$set = { ...(operators.$set as Doc | undefined), ...$setOnInsert };
    const plain = plainTopLevelSet(modifier);
    if (plain) doc = { ...seed, ...plain };
    else doc = Object.keys(modifier).length > 0 ? applyOperators(seed, modifier, {}, arrayFilters) : seed;
  } else {
    if ('_id' in update && '_id' in seed && !sameValue(update._id, seed._id)) throw immutableId();
    doc = '_id' in seed ? { _id: seed._id, ...update } : { ...update };
  }
  if (Array.isArray(doc._id)) throw new CommandError(2, 'BadValue', "can't use an array for _id");
  return withIdFirst(doc);
}

/**
 * The fields of a modifier that is only `$set` of top-level fields (what a keyed `$setOnInsert` upsert
 * sends): a plain merge, so inserting through an upsert does not pay for the update engine.
 */
function plainTopLevelSet(modifier: Doc): Doc | undefined {
  const operators = Object.keys(modifier);
  if (operators.length !== 1 || operators[0] !== '$set' || !isPlainObject(modifier.$set)) return undefined;
  const fields = modifier.$set as Doc;
  const simple = Object.keys(fields).every(
    (key) => key !== '_id' && !key.includes('.') && !key.startsWith('$'),
  );
  return simple ? fields : undefined;
}

function applyOperators(current: Doc, modifier: Doc, filter: Doc, arrayFilters: Doc[] | undefined): Doc {
  try {
    return applyUpdateOperators(current, modifier, { filter, arrayFilters }).updated;
  } catch (err) {
    if (err instanceof CommandError) throw err;
    const message = (err as Error).message;
    // mingo guards `_id` itself; report it with MongoDB's code so clients can tell it apart.
    if (message.includes("immutable field '_id'")) throw immutableId();
    throw failedToParse(message);
  }
}

function equalityFields(filter: Doc): Doc {
  const seed: Doc = {};
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const part of value) if (isPlainObject(part)) Object.assign(seed, equalityFields(part));
      continue;
    }
    if (key.startsWith('$')) continue;
    if (isPlainObject(value) && Object.keys(value).some((k) => k.startsWith('$'))) {
      if ('$eq' in value) setAtPath(seed, key, value.$eq);
      continue;
    }
    setAtPath(seed, key, value);
  }
  return seed;
}

const sameValue = (a: unknown, b: unknown) =>
  EJSON.stringify(a ?? null, { relaxed: false }) === EJSON.stringify(b ?? null, { relaxed: false });
