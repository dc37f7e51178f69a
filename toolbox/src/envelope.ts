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
  res.status(status).json(envelope(message, data));
}

export function sendError(res: Response, status: number, message: string, data?: unknown): void {
  res.status(status).json(errorEnvelope(message, data));
}
