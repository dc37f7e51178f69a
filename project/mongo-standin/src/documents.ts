import { type Document, deserialize, EJSON, ObjectId, serialize } from 'bson';

export type Doc = Document;

/** Deep copy that keeps BSON types (ObjectId, Long, Binary, Date), unlike structuredClone. */
export function cloneDocument<T extends Doc>(doc: T): T {
  return deserialize(serialize(doc)) as T;
}

/** MongoDB stores `_id` as the first field and generates an ObjectId when the client did not send one. */
export function withIdFirst(doc: Doc): Doc {
  const { _id, ...rest } = doc;
  return { _id: _id === undefined ? new ObjectId() : _id, ...rest };
}

export function isPlainObject(value: unknown): value is Doc {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !(value instanceof RegExp) &&
    !('_bsontype' in value)
  );
}

/** Every value a dotted path reaches, descending through arrays the way MongoDB's index keys do. */
export function valuesAtPath(value: unknown, path: readonly string[]): unknown[] {
  if (path.length === 0) {
    if (Array.isArray(value)) return value.length > 0 ? value : [undefined];
    return [value];
  }
  if (Array.isArray(value)) return value.flatMap((item) => valuesAtPath(item, path));
  if (isPlainObject(value)) return valuesAtPath(value[path[0]!], path.slice(1));
  return [undefined];
}

export function setAtPath(doc: Doc, dottedPath: string, value: unknown): void {
  const parts = dottedPath.split('.');
  let target: Doc = doc;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(target[part])) target[part] = {};
    target = target[part] as Doc;
  }
  target[parts.at(-1)!] = value;
}

/** Renders a value the way MongoDB's error messages do, e.g. `{ email: "a@b.c" }`, `ObjectId('...')`. */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value instanceof ObjectId) return `ObjectId('${value.toHexString()}')`;
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (Array.isArray(value)) return `[ ${value.map(formatValue).join(', ')} ]`;
  if (isPlainObject(value)) {
    const entries = Object.entries(value).map(([k, v]) => `${k}: ${formatValue(v)}`);
    return entries.length > 0 ? `{ ${entries.join(', ')} }` : '{}';
  }
  return EJSON.stringify(value, { relaxed: true });
}
