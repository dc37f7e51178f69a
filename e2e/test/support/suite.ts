import { type Suite, startSuite } from '@suite/launcher';

/**
 * The whole suite on ephemeral ports. The launcher gives the run its own exchange and queue and
 * deletes them afterwards, so test events never wait in the `logs` queue of a developer's `make run`.
 */
export async function startWholeSuite(): Promise<{ suite: Suite; stop: () => Promise<void> }> {
  const suite = await startSuite({ env: { LOG_LEVEL: 'warn' } });
  return { suite, stop: () => suite.stop() };
}
