import { randomBytes } from 'node:crypto';

/** A name no parallel run shares (databases, queues, exchanges): `<prefix>_<10 hex digits>`. */
export function uniqueName(prefix: string, separator = '_'): string {
  return `${prefix}${separator}${randomBytes(5).toString('hex')}`;
}
