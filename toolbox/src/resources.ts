import type { Logger } from 'pino';

/** What a composition root opened (pools, clients, servers), closed once, in reverse order of opening. */
export interface Resources {
  /** Registers `resource` to be closed with `close(resource)`, and hands it back. */
  own<T>(name: string, resource: T, close: (resource: T) => unknown): T;
  /**
   * Closes everything, the last opened first, once: a later call gets the same promise. Every close
   * runs even when one before it failed; each failure is logged with its name, and the promise
   * rejects (with the first) after all have run, so a shutdown still reports it.
   */
  close(): Promise<void>;
}

export function createResources(logger: Logger): Resources {
  const steps: Array<{ name: string; close: () => unknown }> = [];
  let closing: Promise<void> | undefined;

  const closeAll = async () => {
    const failures: Array<{ name: string; err: unknown }> = [];
    for (const { name, close } of steps.reverse()) {
      try {
        await close();
      } catch (err) {
        failures.push({ name, err });
        logger.warn({ resource: name, err }, 'close failed');
      }
    }
    if (failures.length > 0) {
      const names = failures.map((f) => f.name).join(', ');
      throw new Error(`could not close ${names}`, { cause: failures[0]!.err });
    }
  };

  return {
    own(name, resource, close) {
      steps.push({ name, close: () => close(resource) });
      return resource;
    },
    close() {
      closing ??= closeAll();
      return closing;
    },
  };
}
