import net from 'node:net';

// Below the kernel's ephemeral range (32768-60999 on Linux), so an outgoing connection's source port
// can never take a port between the check and the service's own bind, as listen(0)'s ports could.
const FIRST_PORT = 20_000;
const LAST_PORT = 32_000;
const handedOut = new Set<number>();

/**
 * Finds a port free on every interface (the services bind the wildcard address) that this process
 * has not handed out before; tried at random so parallel test runs rarely pick the same one.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = FIRST_PORT + Math.floor(Math.random() * (LAST_PORT - FIRST_PORT));
    if (handedOut.has(port)) continue;
    if (await canBind(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port found between ${FIRST_PORT} and ${LAST_PORT}`);
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    // '::' also takes 0.0.0.0 on a dual-stack host, so a port free here is free on every address.
    server.listen(port, '::', () => server.close(() => resolve(true)));
  });
}

/** Resolves when something accepts TCP connections at host:port, false after `timeoutMs`. */
export function canConnect(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
