import { EJSON, ObjectId, UUID } from 'bson';
import { Query } from 'mingo';
import { type Doc, formatValue, isPlainObject, valuesAtPath } from './documents.js';
import { badValue, CommandError, invalidNamespace } from './errors.js';

export interface IndexSpec extends Doc {
  v: number;
  key: Doc;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Doc;
}

export const ID_INDEX_NAME = '_id_';
const ID_INDEX: IndexSpec = { v: 2, key: { _id: 1 }, name: ID_INDEX_NAME };

export class DuplicateKeyError extends CommandError {
  constructor(namespace: string, spec: IndexSpec, keyValue: Doc) {
    super(
      11000,
      'DuplicateKey',
      `E11000 duplicate key error collection: ${namespace} index: ${spec.name} dup key: ${formatValue(keyValue)}`,
      { keyPattern: spec.key, keyValue },
    );
  }
}

interface IndexKey {
  key: string;
  values: unknown[];
}

/** An index's metadata; unique ones also keep a key → document map to enforce uniqueness. */
class Index {
  private readonly fields: string[];
  private readonly paths: string[][];
  private readonly owners = new Map<string, Doc>();
  private readonly partialFilter: Query | undefined;
  readonly enforcesUniqueness: boolean;

  constructor(
    readonly spec: IndexSpec,
    private readonly namespace: string,
  ) {
    this.fields = Object.keys(spec.key);
    this.paths = this.fields.map((field) => field.split('.'));
    this.enforcesUniqueness = spec.unique === true || spec.name === ID_INDEX_NAME;
    this.partialFilter = spec.partialFilterExpression ? new Query(spec.partialFilterExpression) : undefined;
  }

  sameDefinitionAs(other: IndexSpec): boolean {
    return (
      canonical(this.spec.key) === canonical(other.key) &&
      Boolean(this.spec.unique) === Boolean(other.unique) &&
      Boolean(this.spec.sparse) === Boolean(other.sparse) &&
      canonical(this.spec.partialFilterExpression ?? null) ===
        canonical(other.partialFilterExpression ?? null)
    );
  }

  /**
   * The one document whose single indexed field equals `value`, or null; undefined when this index
   * cannot answer (not unique, compound or partial), so the caller scans instead.
   */
  lookup(field: string, value: unknown): Doc | null | undefined {
    if (
      !this.enforcesUniqueness ||
      this.partialFilter ||
      this.fields.length !== 1 ||
      this.fields[0] !== field
    ) {
      return undefined;
    }
    return this.owners.get(canonical([value])) ?? null;
  }

  hasKeyPattern(key: Doc): boolean {
    return canonical(this.spec.key) === canonical(key);
  }

  assertInsertable(doc: Doc): void {
    if (!this.enforcesUniqueness) return;
    for (const { key, values } of this.keysOf(doc)) {
      const owner = this.owners.get(key);
      if (owner && owner !== doc) {
        const keyValue = Object.fromEntries(this.fields.map((field, i) => [field, values[i] ?? null]));
        throw new DuplicateKeyError(this.namespace, this.spec, keyValue);
      }
    }
  }

  add(doc: Doc): void {
    if (!this.enforcesUniqueness) return;
    for (const { key } of this.keysOf(doc)) this.owners.set(key, doc);
  }

  remove(doc: Doc): void {
    if (!this.enforcesUniqueness) return;
    for (const { key } of this.keysOf(doc)) {
      if (this.owners.get(key) === doc) this.owners.delete(key);
    }
  }

  private keysOf(doc: Doc): IndexKey[] {
    if (this.partialFilter && !this.partialFilter.test(doc)) return [];
    const perField = this.paths.map((path) => valuesAtPath(doc, path));
    if (this.spec.sparse && perField.every((values) => values.every((v) => v === undefined))) return [];
    // Multikey: one key per combination of array elements, deduplicated so a document never clashes with itself.
    let combinations: unknown[][] = [[]];
    for (const values of perField) {
      combinations = combinations.flatMap((prefix) => values.map((value) => [...prefix, value ?? null]));
    }
    const unique = new Map<string, unknown[]>();
    for (const values of combinations) unique.set(canonical(values), values);
    return [...unique].map(([key, values]) => ({ key, values }));
  }
}

const canonical = (value: unknown) => EJSON.stringify(value, { relaxed: false });

export class Collection {
  docs: Doc[] = [];
  private indexes: Index[];
  readonly uuid = new UUID();

  constructor(
    readonly database: string,
    readonly name: string,
    readonly options: Doc,
    private readonly changed: () => void,
  ) {
    this.indexes = [new Index(ID_INDEX, this.namespace)];
  }

  get namespace(): string {
    return `${this.database}.${this.name}`;
  }

  /**
   * The documents a filter can match. An equality on a uniquely indexed field (`{_id: id}`,
   * `{event_id: 'x'}`) is answered from the index, so keyed writes do not scan the collection;
   * everything else gets every document. Only strings and ObjectIds take the shortcut: numbers of
   * different BSON types compare equal in a query but not as index keys.
   */
  candidatesFor(filter: Doc): readonly Doc[] {
    return this.lookupByIndex(filter) ?? this.docs;
  }

  /** Exactly the documents matching an index-answerable filter (see `candidatesFor`); undefined otherwise. */
  lookupByIndex(filter: Doc): readonly Doc[] | undefined {
    const fields = Object.keys(filter);
    if (fields.length !== 1) return undefined;
    const field = fields[0]!;
    const value = filter[field];
    if (typeof value !== 'string' && !(value instanceof ObjectId)) return undefined;
    for (const index of this.indexes) {
      const found = index.lookup(field, value);
      if (found !== undefined) return found ? [found] : [];
    }
    return undefined;
  }

  indexSpecs(): IndexSpec[] {
    return this.indexes.map((index) => index.spec);
  }

  /** Adds a document that must already have its `_id`; throws DuplicateKeyError and then changes nothing. */
  insert(doc: Doc): void {
    for (const index of this.indexes) index.assertInsertable(doc);
    for (const index of this.indexes) index.add(doc);
    this.docs.push(doc);
    this.changed();
  }

  /** Swaps a stored document for its new version; documents are never mutated in place, so open cursors stay stable. */
  replace(current: Doc, next: Doc): void {
    const position = this.docs.indexOf(current);
    if (position < 0) throw new Error('document to replace is not in the collection');
    for (const index of this.indexes) index.remove(current);
    try {
      for (const index of this.indexes) index.assertInsertable(next);
    } catch (err) {
      for (const index of this.indexes) index.add(current);
      throw err;
    }
    for (const index of this.indexes) index.add(next);
    this.docs[position] = next;
    this.changed();
  }

  remove(docs: ReadonlySet<Doc>): void {
    if (docs.size === 0) return;
    for (const doc of docs) for (const index of this.indexes) index.remove(doc);
    this.docs = this.docs.filter((doc) => !docs.has(doc));
    this.changed();
  }

  /** @returns false when an identical index already exists. */
  createIndex(spec: IndexSpec): boolean {
    validateIndexSpec(spec);
    const sameName = this.indexes.find((index) => index.spec.name === spec.name);
    if (sameName) {
      if (sameName.sameDefinitionAs(spec)) return false;
      throw new CommandError(
        86,
        'IndexKeySpecsConflict',
        `An existing index has the same name as the requested index. Requested index: ${formatValue(spec)}, existing index: ${formatValue(sameName.spec)}`,
      );
    }
    const sameKey = this.indexes.find((index) => index.hasKeyPattern(spec.key));
    if (sameKey) {
      throw new CommandError(
        85,
        'IndexOptionsConflict',
        `Index already exists with a different name: ${sameKey.spec.name}`,
      );
    }
    const index = new Index(spec, this.namespace);
    for (const doc of this.docs) {
      index.assertInsertable(doc);
      index.add(doc);
    }
    this.indexes.push(index);
    this.changed();
    return true;
  }

  dropIndexes(selector: unknown): number {
    const before = this.indexes.length;
    const matches = (index: Index): boolean => {
      if (selector === '*') return index.spec.name !== ID_INDEX_NAME;
      if (typeof selector === 'string') return index.spec.name === selector;
      if (Array.isArray(selector)) return selector.includes(index.spec.name);
      return isPlainObject(selector) && index.hasKeyPattern(selector);
    };
    const doomed = this.indexes.filter(matches);
    if (doomed.some((index) => index.spec.name === ID_INDEX_NAME)) {
      throw new CommandError(72, 'InvalidOptions', 'cannot drop _id index');
    }
    if (doomed.length === 0 && selector !== '*') {
      throw new CommandError(27, 'IndexNotFound', `index not found with name [${formatValue(selector)}]`);
    }
    this.indexes = this.indexes.filter((index) => !doomed.includes(index));
    this.changed();
    return before;
  }
}

function validateIndexSpec(spec: IndexSpec): void {
  if (!isPlainObject(spec.key) || Object.keys(spec.key).length === 0) {
    throw new CommandError(67, 'CannotCreateIndex', 'Index keys cannot be empty.');
  }
  if (typeof spec.name !== 'string' || spec.name.length === 0) {
    throw new CommandError(67, 'CannotCreateIndex', 'index name must be a non-empty string');
  }
}

export function defaultIndexName(key: Doc): string {
  return Object.entries(key)
    .map(([field, direction]) => `${field}_${String(direction)}`)
    .join('_');
}

export interface Snapshot {
  format: 'mongo-standin';
  version: 1;
  databases: Array<{
    name: string;
    collections: Array<{ name: string; options: Doc; indexes: IndexSpec[]; documents: Doc[] }>;
  }>;
}

/** All databases and collections; databases exist only while they hold a collection, as in MongoDB. */
export class Store {
  private readonly databases = new Map<string, Map<string, Collection>>();

  constructor(private readonly changed: () => void = () => {}) {}

  databaseNames(): string[] {
    return [...this.databases.keys()];
  }

  collections(database: string): Collection[] {
    return [...(this.databases.get(database)?.values() ?? [])];
  }

  collection(database: string, name: string): Collection | undefined {
    return this.databases.get(database)?.get(name);
  }

  ensureCollection(database: string, name: string): { collection: Collection; created: boolean } {
    const existing = this.collection(database, name);
    if (existing) return { collection: existing, created: false };
    return { collection: this.createCollection(database, name, {}), created: true };
  }

  createCollection(database: string, name: string, options: Doc): Collection {
    validateDatabaseName(database);
    validateCollectionName(name);
    let collections = this.databases.get(database);
    if (collections?.has(name)) {
      throw new CommandError(48, 'NamespaceExists', `Collection ${database}.${name} already exists.`);
    }
    if (!collections) {
      collections = new Map();
      this.databases.set(database, collections);
    }
    const collection = new Collection(database, name, options, this.changed);
    collections.set(name, collection);
    this.changed();
    return collection;
  }

  dropCollection(database: string, name: string): Collection | undefined {
    const collections = this.databases.get(database);
    const collection = collections?.get(name);
    if (!collections || !collection) return undefined;
    collections.delete(name);
    if (collections.size === 0) this.databases.delete(database);
    this.changed();
    return collection;
  }

  dropDatabase(database: string): boolean {
    const existed = this.databases.delete(database);
    if (existed) this.changed();
    return existed;
  }

  snapshot(): Snapshot {
    return {
      format: 'mongo-standin',
      version: 1,
      databases: [...this.databases].map(([name, collections]) => ({
        name,
        collections: [...collections.values()].map((collection) => ({
          name: collection.name,
          options: collection.options,
          indexes: collection.indexSpecs().filter((spec) => spec.name !== ID_INDEX_NAME),
          documents: collection.docs,
        })),
      })),
    };
  }

  restore(snapshot: Snapshot): void {
    if (
      snapshot?.format !== 'mongo-standin' ||
      snapshot.version !== 1 ||
      !Array.isArray(snapshot.databases)
    ) {
      throw new Error('not a mongo-standin snapshot (expected format "mongo-standin", version 1)');
    }
    this.databases.clear();
    for (const database of snapshot.databases) {
      for (const saved of database.collections) {
        const collection = this.createCollection(database.name, saved.name, saved.options ?? {});
        for (const spec of saved.indexes) collection.createIndex(spec);
        for (const doc of saved.documents) collection.insert(doc);
      }
    }
  }
}

export function validateDatabaseName(name: string): void {
  if (typeof name !== 'string' || name.length === 0 || name.length > 63 || /[/\\. "$\0]/.test(name)) {
    throw invalidNamespace(`Invalid database name: '${String(name)}'`);
  }
}

export function validateCollectionName(name: unknown): asserts name is string {
  if (typeof name !== 'string') throw badValue('collection name must be a string');
  if (name.length === 0 || name.includes('$') || name.includes('\0') || name.startsWith('.')) {
    throw invalidNamespace(`Invalid collection name: ${name}`);
  }
}
