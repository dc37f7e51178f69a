import { execFile } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import amqp, { type ChannelModel } from 'amqplib';

const run = promisify(execFile);

/** The RabbitMQ the tests use: `RABBIT_URL`, else the local default. */
export const RABBIT_URL = process.env.RABBIT_URL || 'amqp://guest:guest@127.0.0.1:5672';

/** What a test deletes after itself: an exchange and the queues of its event topology. */
export interface TestTopology {
  exchange: string;
  queue: string;
  retryQueue: string;
  deadQueue: string;
}

/** A plain amqplib connection for what a test does around the code under test: raw publishes, cleanup. */
export class RabbitAdmin {
  private constructor(private readonly connection: ChannelModel) {}

  static async connect(url = RABBIT_URL): Promise<RabbitAdmin> {
    return new RabbitAdmin(await amqp.connect(url));
  }

  async publishRaw(exchange: string, routingKey: string, content: Buffer): Promise<void> {
    const channel = await this.connection.createConfirmChannel();
    try {
      channel.publish(exchange, routingKey, content, { persistent: true });
      await channel.waitForConfirms();
    } finally {
      await channel.close();
    }
  }

  channel() {
    return this.connection.createChannel();
  }

  /** checkQueue on a missing queue kills the channel, hence a throw-away one. */
  async queueExists(queue: string): Promise<boolean> {
    const channel = await this.connection.createChannel();
    channel.on('error', () => undefined);
    try {
      await channel.checkQueue(queue);
      await channel.close();
      return true;
    } catch {
      return false;
    }
  }

  async messageCount(queue: string): Promise<number> {
    const channel = await this.connection.createChannel();
    try {
      return (await channel.checkQueue(queue)).messageCount;
    } finally {
      await channel.close();
    }
  }

  async getOne(queue: string) {
    const channel = await this.connection.createChannel();
    try {
      const message = await channel.get(queue, { noAck: true });
      return message || undefined;
    } finally {
      await channel.close();
    }
  }

  /** Deletes the test's queues (main, retry, dead) and its exchange, e.g. proto's `eventTopology(...)`. */
  async deleteTopology(topology: TestTopology): Promise<void> {
    const channel = await this.connection.createChannel();
    for (const name of [topology.queue, topology.retryQueue, topology.deadQueue])
      await channel.deleteQueue(name);
    await channel.deleteExchange(topology.exchange);
    await channel.close();
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}

/** One `rabbitmqctl -q <list command> <columns>` table: a row of columns per line. */
async function rabbitTable(command: string, columns: string[]): Promise<string[][]> {
  const { stdout } = await run('rabbitmqctl', ['-q', command, ...columns]);
  return stdout.split('\n').map((line) => line.split('\t'));
}

/**
 * Forces RabbitMQ to drop the connections whose client-provided name contains `fragment`, as a
 * broker restart or a network cut would, without disturbing anyone else's connections.
 */
export async function closeConnectionsNamed(fragment: string): Promise<number> {
  // The table output carries pids in the `<node.x.y>` form close_connection accepts (JSON output does not).
  const { stdout } = await run('rabbitmqctl', ['-s', 'list_connections', 'pid', 'client_properties']);
  const pids = stdout
    .split('\n')
    .filter((line) => line.includes(`{"connection_name","`) && line.includes(fragment))
    .map((line) => line.split('\t')[0]!);
  for (const pid of pids) await run('rabbitmqctl', ['-q', 'close_connection', pid, 'test']);
  return pids.length;
}

/** The prefetch of each consumer on `queue`, as RabbitMQ reports it. */
export async function consumerPrefetches(queue: string): Promise<number[]> {
  const rows = await rabbitTable('list_consumers', ['queue_name', 'prefetch_count']);
  return rows.filter(([name]) => name === queue).map(([, prefetch]) => Number(prefetch));
}

/** Ready and unacknowledged messages of a queue, as RabbitMQ counts them. */
export async function queueCounts(queue: string): Promise<{ ready: number; unacked: number }> {
  const rows = await rabbitTable('list_queues', ['name', 'messages_ready', 'messages_unacknowledged']);
  const row = rows.find(([name]) => name === queue);
  return { ready: Number(row?.[1] ?? 0), unacked: Number(row?.[2] ?? 0) };
}

/**
 * A loopback TCP proxy in front of RabbitMQ that a test can cut and restore, so an outage lasts
 * exactly as long as the test wants (RabbitMQ itself is shared and never stopped). While cut, every
 * connection through it is dropped and new ones are reset at once.
 */
export async function startRabbitProxy(target = new URL(RABBIT_URL)) {
  const sockets = new Set<net.Socket>();
  let cut = false;
  const server = net.createServer((client) => {
    if (cut) return client.destroy();
    const upstream = net.connect({ host: target.hostname, port: Number(target.port || 5672) });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const url = new URL(RABBIT_URL);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    cut() {
      cut = true;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      cut = false;
    },
    close() {
      cut = true;
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
