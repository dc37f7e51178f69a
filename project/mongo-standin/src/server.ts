import { createServer, type Server, type Socket } from 'node:net';
import { type ConnectionState, isHandshake, runCommand, type ServerState } from './commands/index.js';
import type { Doc } from './documents.js';
import { CommandError, errorReply } from './errors.js';
import type { Logger } from './logger.js';
import { ScramServer } from './scram.js';
import { type IncomingMessage, MessageFramer, MessageWriter, ProtocolError, parseMessage } from './wire.js';

/** The TCP side: framing per connection, one command at a time, replies in order. */
export class WireServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private nextConnectionId = 1;

  constructor(
    private readonly state: ServerState,
    private readonly logger: Logger,
  ) {
    this.server = createServer((socket) => this.accept(socket));
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const connection: ConnectionState = {
      id: this.nextConnectionId++,
      authenticated: false,
      scram: new ScramServer(this.state.user),
    };
    const framer = new MessageFramer();
    const writer = new MessageWriter();
    socket.on('data', (chunk: Buffer) => {
      const replies: Buffer[] = [];
      try {
        for (const message of framer.push(chunk)) {
          if (socket.destroyed) return;
          const reply = this.handle(connection, parseMessage(message), writer);
          if (reply) replies.push(reply);
        }
      } catch (err) {
        // Framing is lost or the peer is hostile: drop this one connection, every other one keeps working.
        const reason = err instanceof ProtocolError ? err.message : `unexpected: ${(err as Error).message}`;
        this.logger.warn(
          { connectionId: connection.id, reason },
          'closing connection after a malformed message',
        );
        socket.destroy();
      } finally {
        // Whatever these commands changed is in the journal before any reply reports it done.
        this.state.commit();
        if (!socket.destroyed) for (const reply of replies) socket.write(reply);
      }
    });
    // Clients resetting connections is routine; 'close' does the bookkeeping.
    socket.on('error', () => {});
    socket.on('close', () => this.sockets.delete(socket));
  }

  private handle(
    connection: ConnectionState,
    message: IncomingMessage,
    writer: MessageWriter,
  ): Buffer | undefined {
    if (message.kind === 'query') {
      const reply = this.runLegacyQuery(connection, message.namespace, message.command);
      return safeEncode(reply, (doc) => writer.opReply(message.requestId, doc));
    }
    const db = message.command.$db;
    const reply =
      typeof db === 'string'
        ? runCommand(this.state, connection, db, message.command)
        : errorReply(new CommandError(40571, 'Location40571', 'OP_MSG requests require a $db argument'));
    // moreToCome (unacknowledged writes, w:0): the client reads no answer.
    if (message.moreToCome) return undefined;
    return safeEncode(reply, (doc) => writer.opMsg(message.requestId, doc));
  }

  /** Drivers open every connection with OP_QUERY hello; since MongoDB 5.1 nothing else is accepted that way. */
  private runLegacyQuery(connection: ConnectionState, namespace: string, command: Doc): Doc {
    if (!namespace.endsWith('.$cmd') || !isHandshake(command)) {
      return errorReply(
        new CommandError(
          352,
          'UnsupportedOpQueryCommand',
          `Unsupported OP_QUERY command: ${Object.keys(command)[0] ?? namespace}. The client driver may require an upgrade.`,
        ),
      );
    }
    return runCommand(this.state, connection, namespace.slice(0, -'.$cmd'.length), command);
  }
}

function safeEncode(reply: Doc, encode: (doc: Doc) => Buffer): Buffer {
  try {
    return encode(reply);
  } catch (err) {
    return encode(errorReply(new CommandError(10334, 'BSONObjectTooLarge', (err as Error).message)));
  }
}
