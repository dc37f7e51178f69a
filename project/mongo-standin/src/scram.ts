import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { Binary } from 'bson';
import { authenticationFailed, badValue, CommandError } from './errors.js';

export const SCRAM_MECHANISM = 'SCRAM-SHA-256';
/** MongoDB's default for SCRAM-SHA-256; the driver refuses anything below 4096. */
const ITERATIONS = 15_000;

export interface ScramUser {
  username: string;
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

/** Derived once at start so no plaintext password stays around and no connection pays the PBKDF2 cost. */
export function deriveScramUser(username: string, password: string): ScramUser {
  const salt = randomBytes(16);
  // Drivers SASLprep the password; for ASCII passwords that is the identity, which is all a dev tool needs.
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, ITERATIONS, 32, 'sha256');
  const clientKey = hmac(salted, 'Client Key');
  return {
    username,
    salt,
    iterations: ITERATIONS,
    storedKey: sha256(clientKey),
    serverKey: hmac(salted, 'Server Key'),
  };
}

interface Conversation {
  user: ScramUser | undefined;
  clientFirstBare: string;
  serverFirst: string;
  nonce: string;
  skipEmptyExchange: boolean;
  step: 'awaiting-proof' | 'awaiting-final-ack';
}

export type ScramStep =
  | { done: false; conversationId: number; payload: Binary }
  | { done: true; conversationId: number; payload: Binary; username: string };

/** One SCRAM-SHA-256 server, its conversations scoped to a single connection. */
export class ScramServer {
  private readonly conversations = new Map<number, Conversation>();
  private nextConversationId = 1;

  constructor(private readonly user: ScramUser | undefined) {}

  start(command: { mechanism?: unknown; payload?: unknown; options?: unknown }): ScramStep {
    if (command.mechanism !== SCRAM_MECHANISM) {
      throw new CommandError(
        334,
        'MechanismUnavailable',
        `Received authentication for mechanism ${String(command.mechanism)} which is not enabled`,
      );
    }
    const clientFirst = payloadText(command.payload);
    if (!clientFirst.startsWith('n,')) throw badValue('SCRAM channel binding is not supported');
    const clientFirstBare = clientFirst.slice(clientFirst.indexOf(',', 2) + 1);
    const fields = parseFields(clientFirstBare);
    const username = unescapeName(fields.get('n') ?? '');
    const clientNonce = fields.get('r');
    if (!clientNonce) throw badValue('SCRAM client-first message has no nonce');

    // An unknown user still gets a plausible challenge, as MongoDB does, so names cannot be probed.
    const user = this.user && this.user.username === username ? this.user : undefined;
    const salt = user ? user.salt : randomBytes(16);
    const nonce = clientNonce + randomBytes(24).toString('base64');
    const serverFirst = `r=${nonce},s=${salt.toString('base64')},i=${user?.iterations ?? ITERATIONS}`;
    const options = (command.options ?? {}) as { skipEmptyExchange?: unknown };
    const conversationId = this.nextConversationId++;
    this.conversations.set(conversationId, {
      user,
      clientFirstBare,
      serverFirst,
      nonce,
      skipEmptyExchange: options.skipEmptyExchange === true,
      step: 'awaiting-proof',
    });
    return { done: false, conversationId, payload: textPayload(serverFirst) };
  }

  continue(command: { conversationId?: unknown; payload?: unknown }): ScramStep {
    const conversationId = Number(command.conversationId);
    const conversation = this.conversations.get(conversationId);
    if (!conversation) throw badValue(`No SASL session state found for conversation ${conversationId}`);

    if (conversation.step === 'awaiting-final-ack') {
      this.conversations.delete(conversationId);
      return { done: true, conversationId, payload: textPayload(''), username: conversation.user!.username };
    }

    const clientFinal = payloadText(command.payload);
    const proofAt = clientFinal.lastIndexOf(',p=');
    const withoutProof = clientFinal.slice(0, proofAt);
    const fields = parseFields(clientFinal);
    const proof = Buffer.from(fields.get('p') ?? '', 'base64');
    const user = conversation.user;
    if (proofAt < 0 || fields.get('r') !== conversation.nonce || !user || proof.length !== 32) {
      this.conversations.delete(conversationId);
      throw authenticationFailed();
    }
    const authMessage = `${conversation.clientFirstBare},${conversation.serverFirst},${withoutProof}`;
    const clientSignature = hmac(user.storedKey, authMessage);
    const clientKey = Buffer.alloc(32);
    for (let i = 0; i < 32; i++) clientKey[i] = proof[i]! ^ clientSignature[i]!;
    if (!timingSafeEqual(sha256(clientKey), user.storedKey)) {
      this.conversations.delete(conversationId);
      throw authenticationFailed();
    }
    const serverFinal = textPayload(`v=${hmac(user.serverKey, authMessage).toString('base64')}`);
    if (conversation.skipEmptyExchange) {
      this.conversations.delete(conversationId);
      return { done: true, conversationId, payload: serverFinal, username: user.username };
    }
    conversation.step = 'awaiting-final-ack';
    return { done: false, conversationId, payload: serverFinal };
  }
}

function payloadText(payload: unknown): string {
  if (payload instanceof Binary) return Buffer.from(payload.value()).toString('utf8');
  if (payload instanceof Uint8Array) return Buffer.from(payload).toString('utf8');
  if (typeof payload === 'string') return payload;
  throw badValue('SASL payload must be binary data');
}

const textPayload = (text: string) => new Binary(Buffer.from(text, 'utf8'));

function parseFields(message: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const part of message.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return fields;
}

const unescapeName = (name: string) => name.replaceAll('=2C', ',').replaceAll('=3D', '=');
const hmac = (key: Buffer, data: string) => createHmac('sha256', key).update(data).digest();
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest();
