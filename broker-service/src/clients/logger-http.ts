import type { LogEntry } from '@suite/proto';
import { badGateway, type HttpClient } from '@suite/toolbox';
import { isEnvelope, unexpectedAnswer } from './downstream.js';

export const LOGGER_SERVICE = 'logger-service';

export interface LoggerHttpClient {
  /** Resolves with the logger's message ("logged"). */
  log(entry: LogEntry): Promise<string>;
  /** Cheap liveness probe of the logger, for /readyz. */
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
    async ping() {
      const response = await http.get<unknown>('/ping');
      if (response.status !== 200) throw badGateway(LOGGER_SERVICE, `answered ${response.status} to /ping`);
    },
  };
}
