import { type ChildProcess, spawn } from 'node:child_process';
import net, { type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@suite/test-kit';

const BROKER_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/**
 * The built broker as its own process with an environment of the test's choosing, for setups the
 * launcher does not make, such as a RABBIT_URL that leads through a gated proxy.
 */
export async function spawnBroker(env: Record<string, string>, readyTimeoutMs = 20_000) {
  const child: ChildProcess = spawn(process.execPath, [BROKER_MAIN], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  for (const stream of [child.stdout, child.stderr])
    stream?.on('data', (chunk) => output.push(String(chunk)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${env.PORT}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };

  // An exited child ends the wait at once (it will never answer), and its output says why.
  const answered = await waitFor(
    () =>
      child.exitCode !== null ||
      fetch(`${url}/ping`).then(
        (res) => res.status === 200,
        () => false,
      ),
    { timeoutMs: readyTimeoutMs, intervalMs: 100 },
  ).then(
    () => child.exitCode === null,
    () => false,
  );
  if (!answered) {
    await stop();
    throw new Error(`broker did not answer /ping within ${readyTimeoutMs} ms:\n${output.join('')}`);
  }
  return { url, stop };
}

/**
 * A TCP forwarder to `target` on a port reserved up front but not listened on until `open()`: until
 * then whoever dials it gets "connection refused", as with a RabbitMQ that is down. `freeze()` keeps
 * every connection open but forwards nothing, as with a RabbitMQ that is blocked or hung; `thaw()`
 * lets the held bytes through again.
 */
export async function gatedProxy(target: { host: string; port: number }) {
  const sockets = new Set<net.Socket>();
  const pairs = new Set<[net.Socket, net.Socket]>();
  let frozen = false;
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const connect = ([client, upstream]: [net.Socket, net.Socket]) => {
    client.pipe(upstream);
    upstream.pipe(client);
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    track(client);
    track(upstream);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    if (frozen) {
      client.pause();
      upstream.pause();
    } else connect(pair);
    client.on('close', () => {
      pairs.delete(pair);
      upstream.destroy();
    });
    upstream.on('close', () => client.destroy());
  });
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return {
    port,
    open: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    freeze() {
      frozen = true;
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    thaw() {
      frozen = false;
      for (const pair of pairs) connect(pair);
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
