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

const ID_INDEX_NAME = '_id_';
const ID_INDEX: IndexSpec = { v: 2, key: { _id: 1 }, name: ID_INDEX_NAME };

class DuplicateKeyError extends CommandError {
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

/** A change to the store, as the data directory journals it and replays it at start. */
export type Change =
  | { op: 'create'; db: string; c: string; options: Doc }
  | { op: 'drop'; db: string; c: string }
  | { op: 'dropDatabase'; db: string }
  | { op: 'index'; db: string; c: string; spec: IndexSpec }
  | { op: 'dropIndexes'; db: string; c: string; names: string[] }
  | { op: 'insert'; db: string; c: string; doc: Doc }
  | { op: 'replace'; db: string; c: string; doc: Doc }
  | { op: 'remove'; db: string; c: string; ids: unknown[] };

export type ChangeListener = (change: Change) => void;

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
    return this.owners.get(indexKey([value])) ?? null;
  }

  owner(values: unknown[]): Doc | undefined {
    return this.owners.get(indexKey(values));
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
    for (const values of combinations) unique.set(indexKey(values), values);
    return [...unique].map(([key, values]) => ({ key, values }));
  }
}

const canonical = (value: unknown) => EJSON.stringify(value, { relaxed: false });

/**
 * The map key of an index entry. A single string or ObjectId (every `_id` and `event_id` of the logs)
 * skips Extended JSON, which would cost more than the rest of an insert; the prefixes cannot collide
 * with the canonical form, which always starts with `[`.
 */
function indexKey(values: unknown[]): string {
  if (values.length === 1) {
    const value = values[0];
    if (typeof value === 'string') return `s${value}`;
    if (value instanceof ObjectId) return `o${value.toHexString()}`;
  }
  return canonical(values);
}

export class Collection {
  docs: Doc[] = [];
  private indexes: Index[];
  readonly uuid = new UUID();

  constructor(
    readonly database: string,
    readonly name: string,
    readonly options: Doc,
    private readonly changed: ChangeListener,
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

  /** The document with this `_id`, from the `_id` index (any BSON type). */
  byId(id: unknown): Doc | undefined {
    return this.indexes[0]!.owner([id]);
  }

  /** Adds a document that must already have its `_id`; throws DuplicateKeyError and then changes nothing. */
  insert(doc: Doc): void {
    for (const index of this.indexes) index.assertInsertable(doc);
    for (const index of this.indexes) index.add(doc);
    this.docs.push(doc);
    this.changed({ op: 'insert', db: this.database, c: this.name, doc });
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
    this.changed({ op: 'replace', db: this.database, c: this.name, doc: next });
  }

  remove(docs: ReadonlySet<Doc>): void {
    if (docs.size === 0) return;
    for (const doc of docs) for (const index of this.indexes) index.remove(doc);
    this.docs = this.docs.filter((doc) => !docs.has(doc));
    this.changed({ op: 'remove', db: this.database, c: this.name, ids: [...docs].map((doc) => doc._id) });
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
    this.changed({ op: 'index', db: this.database, c: this.name, spec });
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
    if (doomed.length > 0) {
      const names = doomed.map((index) => index.spec.name);
      this.changed({ op: 'dropIndexes', db: this.database, c: this.name, names });
    }
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

/** All databases and collections; databases exist only while they hold a collection, as in MongoDB. */
export class Store {
  private readonly databases = new Map<string, Map<string, Collection>>();

  constructor(private readonly changed: ChangeListener = () => {}) {}

  documentCount(): number {
    let count = 0;
    for (const collections of this.databases.values()) {
      for (const collection of collections.values()) count += collection.docs.length;
    }
    return count;
  }

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
    this.changed({ op: 'create', db: database, c: name, options });
    return collection;
  }

  dropCollection(database: string, name: string): Collection | undefined {
    const collections = this.databases.get(database);
    const collection = collections?.get(name);
    if (!collections || !collection) return undefined;
    collections.delete(name);
    if (collections.size === 0) this.databases.delete(database);
    this.changed({ op: 'drop', db: database, c: name });
    return collection;
  }

  dropDatabase(database: string): boolean {
    const existed = this.databases.delete(database);
    if (existed) this.changed({ op: 'dropDatabase', db: database });
    return existed;
  }

  /** The changes that rebuild the whole store from empty: what a compacted data file holds. */
  *contents(): Generator<Change> {
    for (const [db, collections] of this.databases) {
      for (const collection of collections.values()) {
        const c = collection.name;
        yield { op: 'create', db, c, options: collection.options };
        for (const spec of collection.indexSpecs()) {
          if (spec.name !== ID_INDEX_NAME) yield { op: 'index', db, c, spec };
        }
        for (const doc of collection.docs) yield { op: 'insert', db, c, doc };
      }
    }
  }

  /** Replays one journalled change; throws when it does not fit the store (a damaged data directory). */
  apply(change: Change): void {
    const collection = () => {
      const found = 'c' in change ? this.collection(change.db, change.c) : undefined;
      if (!found) throw new Error(`${change.op} names a collection that does not exist`);
      return found;
    };
    const stored = (target: Collection, id: unknown) => {
      const doc = target.byId(id);
      if (!doc) throw new Error(`${change.op} names a document that does not exist`);
      return doc;
    };
    switch (change.op) {
      case 'create':
        this.createCollection(change.db, change.c, change.options ?? {});
        return;
      case 'drop':
        this.dropCollection(change.db, change.c);
        return;
      case 'dropDatabase':
        this.dropDatabase(change.db);
        return;
      case 'index':
        collection().createIndex(change.spec);
        return;
      case 'dropIndexes':
        collection().dropIndexes(change.names);
        return;
      case 'insert':
        collection().insert(change.doc);
        return;
      case 'replace': {
        const target = collection();
        target.replace(stored(target, change.doc._id), change.doc);
        return;
      }
      case 'remove': {
        const target = collection();
        target.remove(new Set(change.ids.map((id) => stored(target, id))));
        return;
      }
      default:
        throw new Error(`unknown change ${(change as { op: unknown }).op}`);
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
