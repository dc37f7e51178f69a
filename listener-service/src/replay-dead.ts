import { eventTopology } from '@suite/proto';
import { flushTraces } from '@suite/toolbox';
import { readConfig } from './config.js';
import { replayDeadLetters } from './replay.js';

/** `npm run replay-dead -w listener-service`: dead-lettered events go back to the queue for another try. */
const config = readConfig();
const topology = eventTopology({ exchange: config.EXCHANGE_NAME, queue: config.QUEUE_NAME });
try {
  const moved = await replayDeadLetters({ url: config.RABBIT_URL, topology });
  process.stdout.write(`moved ${moved} message(s) from ${topology.deadQueue} back to ${topology.queue}\n`);
} catch (err) {
  process.stderr.write(`replay-dead failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
} finally {
  await flushTraces();
}
