import type { CursorRegistry } from '../cursors.js';
import { type Doc, isPlainObject } from '../documents.js';
import { badValue, typeMismatch } from '../errors.js';
import type { ScramServer, ScramUser } from '../scram.js';
import { type Store, validateCollectionName } from '../store.js';

export interface ServerState {
  store: Store;
  cursors: CursorRegistry;
  /** Set when the stand-in was started with credentials; every connection must then authenticate. */
  user: ScramUser | undefined;
  /** Makes the changes of the commands run so far durable (the data directory's journal); a no-op in memory. */
  commit: () => void;
}

export interface ConnectionState {
  id: number;
  authenticated: boolean;
  scram: ScramServer;
}

export interface CommandContext {
  name: string;
  db: string;
  command: Doc;
  server: ServerState;
  connection: ConnectionState;
}

export type CommandHandler = (ctx: CommandContext) => Doc;

export function collectionArgument(ctx: CommandContext): string {
  const name = ctx.command[ctx.name];
  validateCollectionName(name);
  return name;
}

export function documentArgument(command: Doc, field: string): Doc | undefined {
  const value = command[field];
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) throw typeMismatch(`BSON field '${field}' must be an object`);
  return value;
}

export function arrayArgument(command: Doc, field: string): Doc[] {
  const value = command[field];
  if (!Array.isArray(value)) throw typeMismatch(`BSON field '${field}' is missing or not an array`);
  return value as Doc[];
}

export function integerArgument(command: Doc, field: string): number | undefined {
  const value = command[field];
  if (value === undefined || value === null) return undefined;
  const number =
    typeof value === 'object' && 'toNumber' in value ? (value as { toNumber(): number }).toNumber() : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) {
    throw typeMismatch(`BSON field '${field}' must be a number`);
  }
  return Math.trunc(number);
}

export function nonNegative(field: string, value: number | undefined): number | undefined {
  if (value !== undefined && value < 0) throw badValue(`${field} must be non-negative, not ${value}`);
  return value;
}

export const namespaceOf = (ctx: CommandContext, collection: string) => `${ctx.db}.${collection}`;

export const resolverFor = (ctx: CommandContext) => (name: string) =>
  ctx.server.store.collection(ctx.db, name)?.docs ?? [];
