import { type Suite, startSuite } from '@suite/launcher';

/**
 * The whole suite on ephemeral ports. The launcher gives the run its own exchange and queue and
 * deletes them afterwards, so test events never wait in the `logs` queue of a developer's `make run`.
 */
export async function startWholeSuite(): Promise<{ suite: Suite; stop: () => Promise<void> }> {
  // As `make run` starts it: with the trace catcher, every service tracing to it.
  const suite = await startSuite({ env: { LOG_LEVEL: 'warn' }, traceCatcher: true });
  return { suite, stop: () => suite.stop() };
}
