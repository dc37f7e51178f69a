import { randomBytes } from 'node:crypto';
import { type Suite, startSuite } from '@suite/launcher';
import amqp from 'amqplib';

/**
 * The whole suite on ephemeral ports. The broker and the listener share a queue named for this run,
 * deleted afterwards, so test events never wait in the `logs` queue of a developer's `make run`.
 */
export async function startWholeSuite(): Promise<{ suite: Suite; stop: () => Promise<void> }> {
  const queue = `logs_e2e_${randomBytes(4).toString('hex')}`;
  const suite = await startSuite({
    env: { LOG_LEVEL: 'warn' },
    serviceEnv: {
      'listener-service': { QUEUE_NAME: queue },
      'broker-service': { QUEUE_NAME: queue },
    },
  });
  return {
    suite,
    async stop() {
      await suite.stop();
      const connection = await amqp.connect(suite.rabbitUrl);
      try {
        const channel = await connection.createChannel();
        for (const name of [queue, `${queue}.retry`, `${queue}.dead`]) await channel.deleteQueue(name);
        await channel.close();
      } finally {
        await connection.close();
      }
    },
  };
}
