import { mkdirSync } from 'node:fs';
import { startMongoStandin, withMongoDatabase } from '@suite/mongo-standin';
import { DEFAULT_EVENTS_QUEUE, LOGS_EXCHANGE } from '@suite/proto';
import { startSmtpCatcher } from '@suite/smtp-catcher';
import { startTraceCatcher, type TraceCatcher } from '@suite/trace-catcher';
import { type AdminPassword, localAdminPassword, TEST_ADMIN_PASSWORD } from './admin-password.js';
import {
  DEFAULT_DATABASE_URL,
  DEFAULT_RABBIT_URL,
  DEFAULT_REDIS_URL,
  deleteQueues,
  dropDatabase,
  randomSuffix,
  requireServers,
  withDatabase,
} from './infrastructure.js';
import { freePort } from './ports.js';
import { type OutputMode, ServiceProcess } from './service-process.js';
import {
  bindAddresses,
  FIXED_PORTS,
  type PortPlan,
  REPOSITORY_ROOT,
  readiness,
  SERVICE_COLOURS,
  SERVICE_NAMES,
  type ServiceName,
  serviceEnv,
  serviceNodeOptions,
  serviceScript,
  type Wiring,
} from './services.js';

export { TEST_ADMIN_PASSWORD } from './admin-password.js';
export {
  containerHeapOptions,
  SERVICE_MEMORY_LIMIT_MB,
  SERVICE_NODE_OPTIONS,
  type ServiceName,
} from './services.js';

export interface SuiteOptions {
  services?: readonly ServiceName[];
  /** 'fixed' uses the README's ports (make run); 'ephemeral' picks free ports and throw-away data (tests). */
  ports?: 'fixed' | 'ephemeral';
  env?: Record<string, string>;
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  output?: OutputMode;
  colour?: boolean;
  /** Where DATABASE_URL, MONGO_URL, RABBIT_URL, REDIS_URL, MAIL_HOST (and, for make run, BIND_HOST and SEED_PASSWORD) are read from. */
  sourceEnv?: NodeJS.ProcessEnv;
  /**
   * Start the trace catcher and send every service's spans to it. By default only `make run` does
   * ('fixed' ports), and only when OTEL_EXPORTER_OTLP_ENDPOINT is not set.
   */
  traceCatcher?: boolean;
}

export type MailCatcher = Awaited<ReturnType<typeof startSmtpCatcher>>;

export interface Suite {
  urls: { broker: string; frontEnd: string; logger: string; auth: string; mail: string; listener: string };
  addresses: { loggerRpc: string; loggerGrpc: string };
  ports: PortPlan;
  databaseUrl: string;
  mongoUrl: string;
  rabbitUrl: string;
  queueName: string;
  exchangeName: string;
  mail: MailCatcher | undefined;
  mailViewerUrl: string | undefined;
  /** The trace catcher the suite started, if it did. */
  traces: TraceCatcher | undefined;
  /** Where the page and the admin UI link each trace (TRACE_VIEW_URL), if anywhere. */
  traceViewUrl: string | undefined;
  /** The address every service listens on (BIND_HOST). */
  bindHost: string;
  /** The seed administrator's password and where it comes from. */
  adminPassword: AdminPassword;
  startService(name: ServiceName): Promise<void>;
  stopService(name: ServiceName): Promise<void>;
  /** The service's process id while it runs (undefined when stopped). */
  pid(name: ServiceName): number | undefined;
  stop(): Promise<void>;
}

async function planPorts(mode: 'fixed' | 'ephemeral'): Promise<PortPlan> {
  if (mode === 'fixed') return { ...FIXED_PORTS };
  const plan = {} as PortPlan;
  for (const key of Object.keys(FIXED_PORTS) as Array<keyof PortPlan>) plan[key] = await freePort();
  return plan;
}

/** Starts the dev stand-ins that are not configured, then the services, and waits until all are ready. */
export async function startSuite(options: SuiteOptions = {}): Promise<Suite> {
  const mode = options.ports ?? 'ephemeral';
  const source = options.sourceEnv ?? process.env;
  const names = options.services ?? SERVICE_NAMES;
  const output =
    options.output ?? (source.SUITE_OUTPUT === 'prefixed' || mode === 'fixed' ? 'prefixed' : 'silent');
  const ports = await planPorts(mode);
  const ephemeral = mode === 'ephemeral';
  // The tests ignore the shell's BIND_HOST and SEED_PASSWORD (one exported for a deployment, say):
  // they run on loopback with the published test password, which only loopback accepts.
  const { bindHost, peerHost } = bindAddresses(ephemeral ? undefined : source.BIND_HOST);
  const adminPassword: AdminPassword = ephemeral
    ? { password: TEST_ADMIN_PASSWORD, source: 'the tests' }
    : localAdminPassword(REPOSITORY_ROOT, source);
  const suffix = randomSuffix();

  const configuredDatabase = source.DATABASE_URL || DEFAULT_DATABASE_URL;
  const rabbitUrl = source.RABBIT_URL || DEFAULT_RABBIT_URL;
  const redisUrl = source.REDIS_URL || DEFAULT_REDIS_URL;
  await requireServers([
    { name: 'PostgreSQL', url: configuredDatabase, defaultPort: 5432 },
    { name: 'RabbitMQ', url: rabbitUrl, defaultPort: 5672 },
    { name: 'Redis', url: redisUrl, defaultPort: 6379 },
  ]);
  const databaseUrl = ephemeral ? withDatabase(configuredDatabase, `suite_${suffix}`) : configuredDatabase;
  // A run of the tests gets its own exchange and queue, so its events never reach a real listener's queue.
  const queueName = ephemeral ? `${DEFAULT_EVENTS_QUEUE}_${suffix}` : DEFAULT_EVENTS_QUEUE;
  const exchangeName = ephemeral ? `${LOGS_EXCHANGE}_${suffix}` : LOGS_EXCHANGE;
  // ... and its own limit counters, so one run's failed logins and mails never count in another's.
  const redisKeyPrefix = ephemeral ? `suite_${suffix}:` : undefined;

  const cleanups: Array<() => Promise<unknown>> = [];
  let mongoUrl = source.MONGO_URL;
  if (mongoUrl) {
    if (ephemeral) mongoUrl = withMongoDatabase(mongoUrl, `suite_${suffix}`);
  } else {
    let dataDir: string | undefined;
    if (!ephemeral) {
      mkdirSync(`${REPOSITORY_ROOT}.data`, { recursive: true });
      dataDir = `${REPOSITORY_ROOT}.data/mongo-standin`;
    }
    const standin = await startMongoStandin({ port: ports.mongo, dataDir });
    cleanups.push(() => standin.close());
    mongoUrl = withMongoDatabase(standin.url, 'logs');
  }

  let mail: MailCatcher | undefined;
  let mailHost = source.MAIL_HOST;
  let mailPort = Number(source.MAIL_PORT || 1025);
  if (!mailHost) {
    mail = await startSmtpCatcher({ smtpPort: ports.smtp, webPort: ports.mailWeb });
    cleanups.push(() => mail!.close());
    mailHost = '127.0.0.1';
    mailPort = mail.smtpPort;
  }

  // Traces: to the endpoint the shell names, else (make run) to a trace catcher started here.
  let traces: TraceCatcher | undefined;
  let traceViewUrl = source.TRACE_VIEW_URL || undefined;
  const tracingEnv: Record<string, string> = {};
  if (options.traceCatcher ?? (!ephemeral && !source.OTEL_EXPORTER_OTLP_ENDPOINT)) {
    traces = await startTraceCatcher({ otlpPort: ports.traceOtlp, webPort: ports.traceWeb });
    cleanups.push(() => traces!.close());
    tracingEnv.OTEL_EXPORTER_OTLP_ENDPOINT = traces.otlpUrl;
    // The page and the admin UI open it in the browser, as the page calls the broker: on localhost.
    traceViewUrl = `http://localhost:${new URL(traces.webUrl).port}`;
  }
  if (traceViewUrl) tracingEnv.TRACE_VIEW_URL = traceViewUrl;

  const wiring: Wiring = {
    ports,
    host: peerHost,
    bindHost,
    seedPassword: adminPassword.password,
    databaseUrl,
    mongoUrl,
    rabbitUrl,
    redisUrl,
    redisKeyPrefix,
    mailHost,
    mailPort,
    queueName,
    exchangeName,
  };
  const colour = options.colour ?? (output === 'prefixed' && process.stdout.isTTY === true);
  const processes = new Map<ServiceName, ServiceProcess>();
  for (const name of names) {
    processes.set(
      name,
      new ServiceProcess({
        name,
        script: serviceScript(name),
        env: {
          ...process.env,
          ...tracingEnv,
          ...options.env,
          ...serviceEnv(name, wiring),
          ...options.serviceEnv?.[name],
          NODE_OPTIONS: serviceNodeOptions(
            options.serviceEnv?.[name]?.NODE_OPTIONS ?? options.env?.NODE_OPTIONS ?? process.env.NODE_OPTIONS,
          ),
        },
        readiness: readiness(name, wiring),
        output,
        colour: colour ? SERVICE_COLOURS[name] : undefined,
      }),
    );
  }

  const stop = async () => {
    await Promise.all([...processes.values()].reverse().map((p) => p.stop()));
    const problems: unknown[] = [];
    if (ephemeral) {
      if (names.includes('authentication-service')) cleanups.push(() => dropDatabase(databaseUrl));
      if (names.includes('listener-service') || names.includes('broker-service')) {
        cleanups.push(() => deleteQueues(rabbitUrl, queueName, exchangeName));
      }
    }
    for (const cleanup of cleanups) await cleanup().catch((err) => problems.push(err));
    if (problems.length > 0) throw new AggregateError(problems, 'suite cleanup failed');
  };

  try {
    await Promise.all([...processes.values()].map((p) => p.start()));
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }

  const service = (name: ServiceName) => {
    const p = processes.get(name);
    if (!p) throw new Error(`${name} is not part of this suite`);
    return p;
  };
  const http = (port: number) => `http://${peerHost}:${port}`;
  return {
    urls: {
      broker: http(ports.broker),
      frontEnd: http(ports.frontEnd),
      logger: http(ports.logger),
      auth: http(ports.auth),
      mail: http(ports.mail),
      listener: http(ports.listener),
    },
    addresses: { loggerRpc: `${peerHost}:${ports.loggerRpc}`, loggerGrpc: `${peerHost}:${ports.loggerGrpc}` },
    ports,
    databaseUrl,
    mongoUrl,
    rabbitUrl,
    queueName,
    exchangeName,
    mail,
    mailViewerUrl: mail?.webUrl,
    traces,
    traceViewUrl,
    bindHost,
    adminPassword,
    startService: (name) => service(name).start(),
    stopService: (name) => service(name).stop(),
    pid: (name) => service(name).pid,
    stop,
  };
}
