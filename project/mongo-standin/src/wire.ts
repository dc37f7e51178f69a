import { type Document, deserialize, serialize } from 'bson';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

const HEADER_SIZE = 16;
/** Advertised as `maxMessageSizeBytes` in hello; anything larger is a broken or hostile peer. */
export const MAX_MESSAGE_SIZE = 48_000_000;
export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;

const FLAG_CHECKSUM_PRESENT = 1 << 0;
const FLAG_MORE_TO_COME = 1 << 1;
/** Bits 0-15 are "required": a receiver must reject flags it does not know (bit 0 and 1 are the known ones). */
const UNKNOWN_REQUIRED_FLAGS = 0xffff & ~(FLAG_CHECKSUM_PRESENT | FLAG_MORE_TO_COME);

/** A violation of the framing itself; the connection it came from cannot be trusted any further. */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

export type IncomingMessage =
  | { kind: 'msg'; requestId: number; command: Document; moreToCome: boolean }
  | { kind: 'query'; requestId: number; namespace: string; command: Document };

/** Collects socket chunks and cuts them into whole wire messages without re-copying on every chunk. */
export class MessageFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const messages: Buffer[] = [];
    while (this.buffered >= 4) {
      const length = this.peekLength();
      if (length < HEADER_SIZE || length > MAX_MESSAGE_SIZE) {
        throw new ProtocolError(`invalid message length ${length}`);
      }
      if (this.buffered < length) break;
      messages.push(this.take(length));
    }
    return messages;
  }

  private peekLength(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readInt32LE(0);
    this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!.readInt32LE(0);
  }

  private take(length: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const message = all.subarray(0, length);
    const rest = all.subarray(length);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return message;
  }
}

export function parseMessage(message: Buffer): IncomingMessage {
  const requestId = message.readInt32LE(4);
  const opCode = message.readInt32LE(12);
  switch (opCode) {
    case OP_MSG:
      return parseOpMsg(message, requestId);
    case OP_QUERY:
      return parseOpQuery(message, requestId);
    case OP_COMPRESSED:
      throw new ProtocolError('OP_COMPRESSED is not supported (no compressor was offered in hello)');
    default:
      throw new ProtocolError(`unsupported opcode ${opCode}`);
  }
}

function parseOpMsg(message: Buffer, requestId: number): IncomingMessage {
  if (message.length < HEADER_SIZE + 5) throw new ProtocolError('OP_MSG too short');
  const flags = message.readUInt32LE(16);
  if (flags & UNKNOWN_REQUIRED_FLAGS) throw new ProtocolError(`unknown required OP_MSG flags ${flags}`);
  let end = message.length;
  if (flags & FLAG_CHECKSUM_PRESENT) {
    end -= 4;
    if (end < HEADER_SIZE + 5) throw new ProtocolError('OP_MSG too short for its checksum');
    if (crc32c(message.subarray(0, end)) !== message.readUInt32LE(end)) {
      throw new ProtocolError('OP_MSG checksum mismatch');
    }
  }
  let body: Document | undefined;
  const sequences: Array<[string, Document[]]> = [];
  let pos = HEADER_SIZE + 4;
  while (pos < end) {
    const kind = message[pos++];
    if (kind === 0) {
      if (body) throw new ProtocolError('OP_MSG has more than one body section');
      const size = readSize(message, pos, end);
      body = readDocument(message, pos, size);
      pos += size;
    } else if (kind === 1) {
      const size = readSize(message, pos, end);
      const sectionEnd = pos + size;
      const [identifier, afterName] = readCString(message, pos + 4, sectionEnd);
      const documents: Document[] = [];
      for (let p = afterName; p < sectionEnd; ) {
        const docSize = readSize(message, p, sectionEnd);
        documents.push(readDocument(message, p, docSize));
        p += docSize;
      }
      sequences.push([identifier, documents]);
      pos = sectionEnd;
    } else {
      throw new ProtocolError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw new ProtocolError('OP_MSG without a body section');
  // The driver sends insertMany's `documents` (and updates/deletes) as a kind-1 sequence; commands see one document.
  for (const [identifier, documents] of sequences) body[identifier] = documents;
  return { kind: 'msg', requestId, command: body, moreToCome: (flags & FLAG_MORE_TO_COME) !== 0 };
}

function parseOpQuery(message: Buffer, requestId: number): IncomingMessage {
  const [namespace, afterName] = readCString(message, 20, message.length);
  const queryStart = afterName + 8; // numberToSkip, numberToReturn
  const size = readSize(message, queryStart, message.length);
  let command = readDocument(message, queryStart, size);
  // Legacy drivers wrap commands as {$query: {...}, $readPreference: ...}.
  if (command.$query && typeof command.$query === 'object') command = command.$query as Document;
  return { kind: 'query', requestId, namespace, command };
}

function readSize(buf: Buffer, pos: number, end: number): number {
  if (pos + 4 > end) throw new ProtocolError('truncated size field');
  const size = buf.readInt32LE(pos);
  if (size < 5 || pos + size > end) throw new ProtocolError(`invalid embedded size ${size}`);
  return size;
}

function readCString(buf: Buffer, pos: number, end: number): [string, number] {
  const zero = buf.indexOf(0, pos);
  if (zero < 0 || zero >= end) throw new ProtocolError('unterminated cstring');
  return [buf.toString('utf8', pos, zero), zero + 1];
}

function readDocument(buf: Buffer, pos: number, size: number): Document {
  try {
    return deserialize(buf.subarray(pos, pos + size));
  } catch (err) {
    throw new ProtocolError(`invalid BSON: ${(err as Error).message}`);
  }
}

/** Builds outgoing messages; request ids only need to be unique per connection. */
export class MessageWriter {
  private nextRequestId = 1;

  opMsg(responseTo: number, reply: Document): Buffer {
    const body = serialize(reply);
    const prefix = Buffer.alloc(5); // flagBits 0, section kind 0
    return this.frame(OP_MSG, responseTo, [prefix, body]);
  }

  opReply(responseTo: number, reply: Document): Buffer {
    const body = serialize(reply);
    const prefix = Buffer.alloc(20); // responseFlags 0, cursorID 0, startingFrom 0, numberReturned (below)
    prefix.writeInt32LE(1, 16);
    return this.frame(OP_REPLY, responseTo, [prefix, body]);
  }

  private frame(opCode: number, responseTo: number, parts: Uint8Array[]): Buffer {
    const header = Buffer.alloc(HEADER_SIZE);
    const length = HEADER_SIZE + parts.reduce((sum, p) => sum + p.length, 0);
    header.writeInt32LE(length, 0);
    header.writeInt32LE(this.nextRequestId, 4);
    this.nextRequestId = (this.nextRequestId % 0x7fffffff) + 1;
    header.writeInt32LE(responseTo, 8);
    header.writeInt32LE(opCode, 12);
    return Buffer.concat([header, ...parts], length);
  }
}

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32C (Castagnoli), the checksum OP_MSG uses; node:zlib only offers plain CRC-32. */
export function crc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC32C_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
