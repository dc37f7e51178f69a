import type { Response } from 'express';

/** The JSON envelope of every HTTP API in the suite. */
export interface Envelope<T = unknown> {
  error: boolean;
  message: string;
  data?: T;
}

export function envelope<T>(message: string, data?: T): Envelope<T> {
  return data === undefined ? { error: false, message } : { error: false, message, data };
}

export function errorEnvelope(message: string, data?: unknown): Envelope {
  return data === undefined ? { error: true, message } : { error: true, message, data };
}

/** Success answers 202 Accepted, as the original suite did. */
export function sendOk<T>(res: Response, message: string, data?: T, status = 202): void {
  sendEnvelope(res, status, envelope(message, data));
}

export function sendError(res: Response, status: number, message: string, data?: unknown): void {
  sendEnvelope(res, status, errorEnvelope(message, data));
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * What `res.status().json()` sends, without its per-answer work this envelope never needs: reading
 * three app settings, and parsing and rebuilding the Content-Type twice to add the charset.
 */
function sendEnvelope(res: Response, status: number, body: Envelope): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', JSON_CONTENT_TYPE);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
