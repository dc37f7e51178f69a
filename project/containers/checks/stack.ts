import { randomUUID } from 'node:crypto';

/** Where the stack under test publishes its ports on this machine (set by test-containers.sh). */
export interface Stack {
  broker: string;
  frontEnd: string;
  logger: string;
  mailViewer: string;
  /** Jaeger's UI and query API (the trace stand-in's in the test). */
  traceView: string;
  mongoUrl: string;
  /** A suffix naming this run's log entries and mail, so nothing from elsewhere can satisfy a check. */
  runId: string;
}

function port(variable: string): number {
  const value = Number(process.env[variable]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${variable} is not set to a port`);
  return value;
}

export function stackFromEnv(): Stack {
  const url = (variable: string) => `http://127.0.0.1:${port(variable)}`;
  const user = process.env.MONGO_ROOT_USERNAME ?? 'admin';
  const password = process.env.MONGO_ROOT_PASSWORD ?? 'password';
  const database = process.env.MONGO_DATABASE ?? 'logs';
  return {
    broker: url('BROKER_HOST_PORT'),
    frontEnd: url('FRONT_END_HOST_PORT'),
    logger: url('LOGGER_HOST_PORT'),
    mailViewer: url('MAILHOG_UI_HOST_PORT'),
    traceView: url('JAEGER_UI_HOST_PORT'),
    mongoUrl: `mongodb://${user}:${password}@127.0.0.1:${port('MONGO_HOST_PORT')}/${database}?authSource=admin`,
    runId: randomUUID().slice(0, 8),
  };
}

export interface Answer {
  status: number;
  body: { error?: boolean; message?: string; data?: Record<string, unknown> };
  requestId: string;
}

/** POSTs JSON with a fresh X-Request-Id, so the stored side effect can be found by it. */
export async function postJson(url: string, body?: unknown): Promise<Answer> {
  const requestId = randomUUID();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await response.text();
  let parsed: Answer['body'];
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${url} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  return { status: response.status, body: parsed, requestId };
}

export function expectStatus(answer: Answer, status: number) {
  if (answer.status !== status) {
    throw new Error(`expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
  }
}
