import { authenticationFailed, CommandError } from '../errors.js';
import { SCRAM_MECHANISM, type ScramStep } from '../scram.js';
import { MAX_BSON_OBJECT_SIZE, MAX_MESSAGE_SIZE } from '../wire.js';
import type { CommandContext, CommandHandler } from './context.js';

/** Wire version 21 is MongoDB 7.0; driver 7 needs at least 9 and at most 29. */
const MAX_WIRE_VERSION = 21;
const VERSION = '7.0.0';

const hello: CommandHandler = (ctx) => {
  const reply: Record<string, unknown> = {
    helloOk: true,
    [ctx.name === 'hello' ? 'isWritablePrimary' : 'ismaster']: true,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    // Without a topologyVersion the driver polls with hello instead of streaming (exhaust), which keeps this simple.
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.connection.id,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
  };
  if (ctx.server.user && typeof ctx.command.saslSupportedMechs === 'string') {
    reply.saslSupportedMechs = [SCRAM_MECHANISM];
  }
  const speculative = ctx.command.speculativeAuthenticate as Record<string, unknown> | undefined;
  if (ctx.server.user && speculative?.saslStart && speculative.mechanism === SCRAM_MECHANISM) {
    try {
      reply.speculativeAuthenticate = stepReply(ctx, ctx.connection.scram.start(speculative));
    } catch {
      // A failed speculative start is not an error: the driver then runs a normal saslStart.
    }
  }
  return { ...reply, ok: 1 };
};

function stepReply(ctx: CommandContext, step: ScramStep) {
  if (step.done) ctx.connection.authenticated = true;
  return { conversationId: step.conversationId, done: step.done, payload: step.payload };
}

const saslStart: CommandHandler = (ctx) => {
  if (!ctx.server.user) {
    throw new CommandError(
      18,
      'AuthenticationFailed',
      'Authentication failed: the MongoDB stand-in runs without users (set MONGO_STANDIN_USER and MONGO_STANDIN_PASSWORD to enable them)',
    );
  }
  return { ...stepReply(ctx, ctx.connection.scram.start(ctx.command)), ok: 1 };
};

const saslContinue: CommandHandler = (ctx) => {
  if (!ctx.server.user) throw authenticationFailed();
  return { ...stepReply(ctx, ctx.connection.scram.continue(ctx.command)), ok: 1 };
};

const buildInfo: CommandHandler = () => ({
  version: VERSION,
  gitVersion: 'mongo-standin',
  versionArray: [7, 0, 0, 0],
  bits: 64,
  debug: false,
  maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
  storageEngines: ['memory'],
  modules: [],
  ok: 1,
});

const KNOWN_PARAMETERS: Record<string, unknown> = {
  featureCompatibilityVersion: { version: '7.0' },
  authenticationMechanisms: [SCRAM_MECHANISM],
};

const getParameter: CommandHandler = (ctx) => {
  const wanted = ctx.command.getParameter === '*' ? Object.keys(KNOWN_PARAMETERS) : Object.keys(ctx.command);
  const values = Object.fromEntries(
    wanted.filter((name) => name in KNOWN_PARAMETERS).map((name) => [name, KNOWN_PARAMETERS[name]]),
  );
  return { ...values, ok: 1 };
};

const getLog: CommandHandler = (ctx) =>
  ctx.command.getLog === '*'
    ? { names: ['global', 'startupWarnings'], ok: 1 }
    : { totalLinesWritten: 0, log: [], ok: 1 };

const connectionStatus: CommandHandler = (ctx) => ({
  authInfo: {
    authenticatedUsers: ctx.connection.authenticated
      ? [{ user: ctx.server.user?.username, db: 'admin' }]
      : [],
    authenticatedUserRoles: ctx.connection.authenticated ? [{ role: 'root', db: 'admin' }] : [],
  },
  ok: 1,
});

export const handshakeCommands: Record<string, CommandHandler> = {
  hello,
  isMaster: hello,
  ismaster: hello,
  ping: () => ({ ok: 1 }),
  buildInfo,
  buildinfo: buildInfo,
  getParameter,
  getLog,
  endSessions: () => ({ ok: 1 }),
  killSessions: () => ({ ok: 1 }),
  saslStart,
  saslContinue,
  connectionStatus,
  logout: (ctx) => {
    ctx.connection.authenticated = false;
    return { ok: 1 };
  },
};

/** What MongoDB lets an unauthenticated connection run. */
export const COMMANDS_WITHOUT_AUTH = new Set([
  'hello',
  'isMaster',
  'ismaster',
  'ping',
  'buildInfo',
  'buildinfo',
  'saslStart',
  'saslContinue',
  'endSessions',
  'connectionStatus',
  'logout',
]);
