import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { deserialize, serialize } from 'bson';
import type { MongoClient } from 'mongodb';
import type { MongoStandin } from '../../src/index.js';
import { crc32c } from '../../src/wire.js';
import { startWithClient, uniqueName } from './helpers.js';

const OP_MSG = 2013;
const OP_QUERY = 2004;
const OP_REPLY = 1;

/** A legacy OP_QUERY command, as drivers send their first hello. */
function opQuery(namespace: string, command: object): Buffer {
  const body = Buffer.concat([
    Buffer.alloc(4), // flags
    Buffer.from(`${namespace}\0`),
    Buffer.from([0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]), // numberToSkip 0, numberToReturn -1
    Buffer.from(serialize(command)),
  ]);
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + body.length, 0);
  header.writeInt32LE(9, 4);
  header.writeInt32LE(OP_QUERY, 12);
  return Buffer.concat([header, body]);
}

/** Resolves with the opcode and the one document of the next reply (OP_REPLY or OP_MSG). */
function nextRawReply(
  socket: Socket,
  timeoutMs = 3000,
): Promise<{ opCode: number; doc: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    let data = Buffer.alloc(0);
    const timer = setTimeout(() => reject(new Error(`no reply within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (data.length < 16 || data.length < data.readInt32LE(0)) return;
      clearTimeout(timer);
      socket.off('data', onData);
      const opCode = data.readInt32LE(12);
      // OP_REPLY: flags, cursorId, startingFrom, numberReturned, then the documents; OP_MSG: flags, kind 0, body.
      const start = opCode === OP_REPLY ? 36 : 21;
      resolve({ opCode, doc: deserialize(data.subarray(start, data.readInt32LE(0))) });
    };
    socket.on('data', onData);
  });
}

function opMsg(command: object, { flags = 0, checksum = false } = {}): Buffer {
  const body = Buffer.from(serialize(command));
  const length = 16 + 4 + 1 + body.length + (checksum ? 4 : 0);
  const message = Buffer.alloc(length);
  message.writeInt32LE(length, 0);
  message.writeInt32LE(7, 4);
  message.writeInt32LE(OP_MSG, 12);
  message.writeUInt32LE(flags | (checksum ? 1 : 0), 16);
  message[20] = 0;
  body.copy(message, 21);
  if (checksum) message.writeUInt32LE(crc32c(message.subarray(0, length - 4)), length - 4);
  return message;
}

/** Resolves with the first reply's body, or 'closed' when the server hangs up first. */
function nextReply(socket: Socket, timeoutMs = 3000): Promise<Record<string, unknown> | 'closed'> {
  return new Promise((resolve, reject) => {
    let data = Buffer.alloc(0);
    const timer = setTimeout(() => reject(new Error(`no reply or close within ${timeoutMs} ms`)), timeoutMs);
    const finish = (value: Record<string, unknown> | 'closed') => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve(value);
    };
    const onData = (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (data.length >= 4 && data.length >= data.readInt32LE(0)) {
        finish(deserialize(data.subarray(21, data.readInt32LE(0))));
      }
    };
    const onClose = () => finish('closed');
    socket.on('data', onData);
    socket.on('close', onClose);
  });
}

describe('robustness of the wire layer', () => {
  let standin: MongoStandin;
  let client: MongoClient;
  const sockets: Socket[] = [];

  const rawSocket = async () => {
    const socket = connect(standin.port, '127.0.0.1');
    socket.on('error', () => {});
    sockets.push(socket);
    await once(socket, 'connect');
    return socket;
  };

  before(async () => {
    ({ standin, client } = await startWithClient());
  });

  after(async () => {
    for (const socket of sockets) socket.destroy();
    await client?.close();
    await standin?.close();
  });

  test('when a connection opens with a legacy OP_QUERY hello, then OP_REPLY answers it and OP_MSG follows', async () => {
    const socket = await rawSocket();
    socket.write(opQuery('admin.$cmd', { isMaster: 1, helloOk: true, client: { driver: { name: 'raw' } } }));
    const hello = await nextRawReply(socket);
    assert.equal(hello.opCode, OP_REPLY);
    assert.equal(hello.doc.ok, 1);
    assert.equal(hello.doc.ismaster, true);
    assert.ok(
      Number(hello.doc.maxWireVersion) >= 9,
      `maxWireVersion ${hello.doc.maxWireVersion} is too old for the driver`,
    );
    assert.equal(typeof hello.doc.minWireVersion, 'number');

    socket.write(opQuery('admin.$cmd', { ping: 1 }));
    const refused = await nextRawReply(socket);
    assert.equal(refused.opCode, OP_REPLY);
    assert.equal(refused.doc.code, 352, 'only the handshake may use OP_QUERY');

    socket.write(opMsg({ ping: 1, $db: 'admin' }));
    assert.deepEqual(await nextRawReply(socket), { opCode: OP_MSG, doc: { ok: 1 } });
  });

  test('when a frame is malformed, then only that connection is closed and other clients keep working', async () => {
    const logs = client.db(uniqueName('robust')).collection('logs');
    await logs.insertOne({ before: true });
    const bad = await rawSocket();
    const bystander = await rawSocket();
    const garbage = Buffer.alloc(30, 0xff);
    garbage.writeInt32LE(30, 0);
    garbage.writeInt32LE(OP_MSG, 12);
    garbage.writeUInt32LE(0, 16);
    bad.write(garbage);
    assert.equal(await nextReply(bad), 'closed');

    bystander.write(opMsg({ ping: 1, $db: 'admin' }));
    assert.deepEqual(await nextReply(bystander), { ok: 1 });
    await logs.insertOne({ after: true });
    assert.equal(await logs.countDocuments(), 2);
  });

  test('when a message announces an oversized length, then that connection is closed', async () => {
    const socket = await rawSocket();
    const header = Buffer.alloc(16);
    header.writeInt32LE(100_000_000, 0);
    header.writeInt32LE(OP_MSG, 12);
    socket.write(header);
    assert.equal(await nextReply(socket), 'closed');
    assert.deepEqual(await client.db('admin').command({ ping: 1 }), { ok: 1 });
  });

  test('when a message carries a valid CRC-32C checksum, then it is answered; a wrong one closes the socket', async () => {
    const socket = await rawSocket();
    socket.write(opMsg({ ping: 1, $db: 'admin' }, { checksum: true }));
    assert.deepEqual(await nextReply(socket), { ok: 1 });
    const corrupted = opMsg({ ping: 1, $db: 'admin' }, { checksum: true });
    corrupted.writeUInt32LE((corrupted.readUInt32LE(corrupted.length - 4) + 1) >>> 0, corrupted.length - 4);
    socket.write(corrupted);
    assert.equal(await nextReply(socket), 'closed');
  });

  test('when moreToCome is set, then the command runs and no reply is sent', async () => {
    const dbName = uniqueName('fire');
    const socket = await rawSocket();
    socket.write(opMsg({ insert: 'c', documents: [{ n: 1 }], $db: dbName }, { flags: 2 }));
    socket.write(opMsg({ count: 'c', $db: dbName }));
    const reply = await nextReply(socket);
    assert.equal(reply !== 'closed' && reply.n, 1);
  });

  test('when a handler gets invalid arguments, then an ok:0 reply comes back and the connection stays usable', async () => {
    const dbName = uniqueName('invalid');
    const socket = await rawSocket();
    socket.write(opMsg({ insert: 'c', documents: 'not an array', $db: dbName }));
    const reply = await nextReply(socket);
    assert.ok(reply !== 'closed' && reply.ok === 0 && reply.code === 14, JSON.stringify(reply));
    socket.write(opMsg({ insert: 'c', documents: [{ a: 1 }], $db: dbName }));
    assert.deepEqual(await nextReply(socket), { n: 1, ok: 1 });
    socket.write(opMsg({ find: 'c', filter: { $where: 'true' }, $db: dbName }));
    const refused = await nextReply(socket);
    assert.ok(refused !== 'closed' && refused.ok === 0, JSON.stringify(refused));
    socket.write(opMsg({ ping: 1, $db: 'admin' }));
    assert.deepEqual(await nextReply(socket), { ok: 1 });
  });
});
