import { Aggregator, find, update as mingoUpdate, Query } from 'mingo';
import type { Options } from 'mingo/types';
import { cloneDocument, type Doc } from './documents.js';
import { badValue } from './errors.js';
import type { Collection } from './store.js';

export type ResolveCollection = (name: string) => Doc[];

/** Client-supplied JavaScript ($where, $function, $accumulator) never runs here. */
function mingoOptions(resolveCollection?: ResolveCollection): Partial<Options> {
  return { scriptEnabled: false, collectionResolver: resolveCollection };
}

function matcher(filter: Doc): (doc: Doc) => boolean {
  const query = new Query(filter, mingoOptions());
  return (doc) => query.test(doc);
}

/** The documents of a collection a write filter selects; an index-answered equality needs no query engine. */
export function matchingDocuments(collection: Collection, filter: Doc): Doc[] {
  const exact = collection.lookupByIndex(filter);
  return exact ? [...exact] : collection.docs.filter(matcher(filter));
}

export interface FindOptions {
  sort?: Doc | undefined;
  skip?: number | undefined;
  limit?: number | undefined;
  projection?: Doc | undefined;
}

export function findDocuments(docs: readonly Doc[], filter: Doc, options: FindOptions = {}): Doc[] {
  let source = docs;
  let sort = options.sort;
  // {$natural: ±1} is insertion order, which is the array order.
  if (sort && '$natural' in sort) {
    if (sort.$natural === -1) source = [...docs].reverse();
    const { $natural: _, ...rest } = sort;
    sort = Object.keys(rest).length > 0 ? rest : undefined;
  }
  const projection =
    options.projection && Object.keys(options.projection).length > 0 ? options.projection : {};
  const cursor = find(source, filter, projection, mingoOptions());
  if (sort && Object.keys(sort).length > 0) cursor.sort(sort);
  if (options.skip) cursor.skip(options.skip);
  if (options.limit) cursor.limit(options.limit);
  const results = cursor.all() as Doc[];
  return Object.keys(projection).length > 0 ? results.map(idFirst) : results;
}

/** Stages that build new documents instead of editing their input, so stored documents can be passed as-is. */
const NON_MUTATING_STAGES = new Set([
  '$match',
  '$sort',
  '$skip',
  '$limit',
  '$count',
  '$group',
  '$project',
  '$sortByCount',
]);
const UNSUPPORTED_STAGES = new Set([
  '$out',
  '$merge',
  '$changeStream',
  '$currentOp',
  '$collStats',
  '$indexStats',
]);

export function aggregateDocuments(
  docs: Doc[],
  pipeline: Doc[],
  resolveCollection: ResolveCollection,
): Doc[] {
  const stages = pipeline.map((stage) => Object.keys(stage)[0] ?? '');
  const unsupported = stages.find((stage) => UNSUPPORTED_STAGES.has(stage));
  if (unsupported) throw badValue(`${unsupported} is not supported by the MongoDB stand-in`);
  const input = stages.every((stage) => NON_MUTATING_STAGES.has(stage)) ? docs : docs.map(cloneDocument);
  const results = new Aggregator(pipeline, mingoOptions(resolveCollection)).run(input) as Doc[];
  return results.map(idFirst);
}

/** Applies update operators to a copy; @returns the copy and whether anything changed. */
export function applyUpdateOperators(
  doc: Doc,
  modifier: Doc,
  scope: { filter?: Doc; arrayFilters?: Doc[] | undefined } = {},
): { updated: Doc; changed: boolean } {
  const updated = cloneDocument(doc);
  // The filter lets the positional `$` operator find the matched array element.
  const changedPaths = mingoUpdate(updated, modifier, scope.arrayFilters, scope.filter, {
    queryOptions: mingoOptions(),
  });
  return { updated, changed: changedPaths.length > 0 };
}

export function applyPipelineUpdate(doc: Doc, pipeline: Doc[]): Doc {
  const [updated] = new Aggregator(pipeline, mingoOptions()).run([cloneDocument(doc)]) as Doc[];
  return updated ?? doc;
}

/** MongoDB always returns `_id` first; mingo's projections append it last. */
function idFirst(doc: Doc): Doc {
  if (!('_id' in doc) || Object.keys(doc)[0] === '_id') return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}
