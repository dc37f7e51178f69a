import type { Doc } from '../documents.js';
import { CommandError, errorReply, unauthorized } from '../errors.js';
import { validateDatabaseName } from '../store.js';
import { adminCommands } from './admin.js';
import type { CommandHandler, ConnectionState, ServerState } from './context.js';
import { COMMANDS_WITHOUT_AUTH, handshakeCommands } from './handshake.js';
import { readCommands } from './read.js';
import { writeCommands } from './write.js';

export type { ConnectionState, ServerState } from './context.js';

const HANDLERS = new Map<string, CommandHandler>(
  Object.entries({ ...handshakeCommands, ...readCommands, ...writeCommands, ...adminCommands }),
);

/** Runs one command; every failure, expected or not, becomes an `{ok: 0}` reply instead of reaching the socket. */
export function runCommand(server: ServerState, connection: ConnectionState, db: string, command: Doc): Doc {
  const name = Object.keys(command)[0];
  try {
    if (!name) throw new CommandError(59, 'CommandNotFound', 'no command given');
    const handler = HANDLERS.get(name);
    if (!handler) throw new CommandError(59, 'CommandNotFound', `no such command: '${name}'`);
    if (server.user && !connection.authenticated && !COMMANDS_WITHOUT_AUTH.has(name)) {
      throw unauthorized(`Command ${name} requires authentication`);
    }
    validateDatabaseName(db);
    return handler({ name, db, command, server, connection });
  } catch (err) {
    return errorReply(err);
  }
}

export function isHandshake(command: Doc): boolean {
  const name = Object.keys(command)[0];
  return name === 'hello' || name === 'isMaster' || name === 'ismaster';
}
