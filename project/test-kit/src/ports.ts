import net from 'node:net';

/**
 * A loopback port nothing listens on: the kernel hands it out, we release it at once. Connecting to
 * it is refused, which is how tests make a peer "unreachable" without guessing a port.
 */
export async function closedPort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  return port;
}
