import { startSuite } from './index.js';

/** `make run`: the whole suite in the foreground, Ctrl-C stops it. */
async function main() {
  const started = Date.now();
  process.stdout.write('Starting the suite (PostgreSQL and RabbitMQ must be running)...\n');
  const suite = await startSuite({ ports: 'fixed' });
  const page = `http://localhost:${suite.ports.frontEnd}`;
  const lines = [
    '',
    `All services ready in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
    `  Test page        ${page}`,
    `  Broker           http://localhost:${suite.ports.broker}   (POST /handle)`,
    `  Logger admin UI  http://localhost:${suite.ports.logger}/login   (${process.env.SEED_EMAIL || 'admin@example.com'}, password ${
      suite.adminPassword.source === 'SEED_PASSWORD'
        ? 'from SEED_PASSWORD'
        : `in ${suite.adminPassword.source}`
    })`,
    suite.mailViewerUrl
      ? `  Mail viewer      ${suite.mailViewerUrl}`
      : '  Mail viewer      (MAIL_HOST is set: see your SMTP server)',
    `  Listener health  http://localhost:${suite.ports.listener}/readyz`,
    suite.traceViewUrl
      ? `  Traces           ${suite.traceViewUrl}   (every click's trace; the page links each answer to its own)`
      : '  Traces           (OTEL_EXPORTER_OTLP_ENDPOINT is set: see your trace backend)',
    suite.bindHost === '127.0.0.1'
      ? '  Every service listens on 127.0.0.1 only (BIND_HOST=0.0.0.0 opens them to the network).'
      : `  Every service listens on ${suite.bindHost} (BIND_HOST).`,
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stdout.write(`\n${signal}: stopping every service...\n`);
    try {
      await suite.stop();
      process.stdout.write('Stopped.\n');
      process.exit(0);
    } catch (err) {
      process.stderr.write(`stop failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`make run: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
