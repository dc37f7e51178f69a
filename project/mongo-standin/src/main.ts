import { type Logger, startMongoStandin } from './index.js';

/** One JSON line per event on stderr keeps stdout for the URL line that scripts read. */
const logger: Logger = {
  info: (obj, msg) => process.stderr.write(`${JSON.stringify({ level: 'info', ...obj, msg })}\n`),
  warn: (obj, msg) => process.stderr.write(`${JSON.stringify({ level: 'warn', ...obj, msg })}\n`),
};

function readPort(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 27017;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`MONGO_STANDIN_PORT must be an integer from 0 to 65535, got "${raw}"`);
  }
  return port;
}

function readBytes(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const bytes = Number(raw);
  if (!Number.isInteger(bytes) || bytes < 1)
    throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return bytes;
}

function readAuth(env: NodeJS.ProcessEnv): { username: string; password: string } | undefined {
  const username = env.MONGO_STANDIN_USER;
  const password = env.MONGO_STANDIN_PASSWORD;
  if (!username && !password) return undefined;
  if (!username || !password) {
    throw new Error('set both MONGO_STANDIN_USER and MONGO_STANDIN_PASSWORD, or neither');
  }
  return { username, password };
}

async function main(): Promise<void> {
  const env = process.env;
  const standin = await startMongoStandin({
    port: readPort(env.MONGO_STANDIN_PORT),
    host: env.MONGO_STANDIN_HOST || '127.0.0.1',
    auth: readAuth(env),
    dataDir: env.MONGO_STANDIN_DIR || undefined,
    compactAfterBytes: readBytes('MONGO_STANDIN_COMPACT_AFTER_BYTES', env.MONGO_STANDIN_COMPACT_AFTER_BYTES),
    logger,
  });
  process.stdout.write(`MongoDB stand-in listening: ${standin.url}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    standin.close().then(
      () => process.exit(0),
      (err: Error) => {
        logger.warn({ err: err.message }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: Error) => {
  process.stderr.write(`mongo-standin failed to start: ${err.message}\n`);
  process.exit(1);
});
