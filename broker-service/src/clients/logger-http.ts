import type { LogEntry } from '@suite/proto';
import type { HttpClient } from '@suite/toolbox';
import { isEnvelope, pingPeer, unexpectedAnswer } from './downstream.js';

export const LOGGER_SERVICE = 'logger-service';

export interface LoggerHttpClient {
  /** Resolves with the logger's message ("logged"). */
  log(entry: LogEntry): Promise<string>;
  /** Resolves when the logger answers `/ping`. */
  ping(): Promise<void>;
}

export function createLoggerHttpClient(http: HttpClient): LoggerHttpClient {
  return {
    async log(entry) {
      const response = await http.post<unknown>('/log', { name: entry.name, data: entry.data });
      if (response.status === 202 && isEnvelope(response.data) && !response.data.error) {
        return response.data.message;
      }
      throw unexpectedAnswer(LOGGER_SERVICE, response);
    },
    ping: () => pingPeer(http, LOGGER_SERVICE),
  };
}
