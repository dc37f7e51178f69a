import { type ServiceName, type Suite, startSuite } from '@suite/launcher';
import { type LogReader, openLogReader, uniqueName, waitFor } from '@suite/test-kit';

/** Every service except the front-end: the broker and all its real peers. */
export const BROKER_AND_PEERS: ServiceName[] = [
  'logger-service',
  'authentication-service',
  'mail-service',
  'listener-service',
  'broker-service',
];

export interface BrokerSuite {
  suite: Suite;
  logs: LogReader;
  stop(): Promise<void>;
}

/**
 * Starts the broker and its peers. The launcher gives the run its own exchange and queue, so the
 * broker's events never reach the `logs` queue a developer's `make run` consumes.
 */
export async function startBrokerSuite(brokerEnv: Record<string, string> = {}): Promise<BrokerSuite> {
  const suite = await startSuite({
    services: BROKER_AND_PEERS,
    env: { LOG_LEVEL: 'warn' },
    serviceEnv: {
      'listener-service': { RETRY_BASE_MS: '200' },
      'broker-service': brokerEnv,
    },
  });
  const logs = await openLogReader(suite.mongoUrl);
  // Readiness no longer waits for RabbitMQ, so wait here until the broker's first connection is up.
  await waitForDependency(suite.urls.broker, 'rabbitmq');
  return {
    suite,
    logs,
    async stop() {
      await logs.close();
      await suite.stop();
    },
  };
}

export const uniqueTag = (prefix: string): string => uniqueName(prefix, '-');

/** Polls the broker's dependency report until `name` is ok. */
export async function waitForDependency(brokerUrl: string, name: string, timeoutMs = 20_000): Promise<void> {
  let report: Record<string, string> | undefined;
  await waitFor(
    async () => {
      report = await fetch(`${brokerUrl}/health/dependencies`).then(
        async (res) => (await res.json()).data as Record<string, string>,
        () => undefined,
      );
      return report?.[name] === 'ok';
    },
    { timeoutMs, intervalMs: 100, describe: () => `${name} in ${JSON.stringify(report)}` },
  );
}
