import { openLogReader, WebClient, waitFor } from '@suite/test-kit';
import type { Check } from './report.js';
import { expectStatus, postJson, type Stack } from './stack.js';

/** The seed administrator: test-containers.sh gives the stack a fresh SEED_PASSWORD, as an operator would. */
// Read when a check runs: the image checks import this module before the script sets SEED_PASSWORD.
const ADMIN = {
  email: 'admin@example.com',
  get password() {
    return requiredEnv('SEED_PASSWORD');
  },
};
/** The page's Test Auth user, which every deployment seeds and the admin UI refuses. */
const DEMO = { email: 'demo@example.com', password: 'demo-password' };

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

interface MailHogMessages {
  items: { Content: { Headers: Record<string, string[]>; Body: string } }[];
}

/** Every path through the published ports, each side effect looked up where it lands (MongoDB, the mail catcher). */
export async function pathChecks(stack: Stack): Promise<{ checks: Check[]; close(): Promise<void> }> {
  const logs = await openLogReader(stack.mongoUrl);
  const stored = async (filter: Record<string, unknown>) => {
    await logs.waitFor(filter, 1, 15_000);
  };

  const traceOfOneClick: Check = {
    name: 'the trace of one click (log via rabbitmq) is in the jaeger container, with every service on its path',
    async run() {
      const response = await fetch(`${stack.broker}/handle`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          action: 'log',
          via: 'rabbitmq',
          log: { name: 'containers-trace', data: stack.runId },
        }),
        signal: AbortSignal.timeout(20_000),
      });
      if (response.status !== 202)
        throw new Error(`expected 202, got ${response.status}: ${await response.text()}`);
      const traceId = response.headers.get('x-trace-id');
      if (!traceId) throw new Error('the broker named no trace (X-Trace-Id): is tracing on?');
      const expected = ['broker-service', 'listener-service', 'logger-service'];
      let services: string[] = [];
      await waitFor(
        async () => {
          const answer = await fetch(`${stack.traceView}/api/traces/${traceId}`).catch(() => undefined);
          if (!answer?.ok) return false;
          const body = (await answer.json()) as {
            data?: { processes?: Record<string, { serviceName: string }> }[];
          };
          services = Object.values(body.data?.[0]?.processes ?? {}).map((p) => p.serviceName);
          return expected.every((name) => services.includes(name));
        },
        {
          timeoutMs: 30_000,
          intervalMs: 500,
          describe: () => `trace ${traceId} has ${services.join(', ') || 'no spans'}`,
        },
      );
    },
  };

  const logVia = (via: string): Check => ({
    name: `log via ${via} is stored in the mongo container`,
    async run() {
      const entry = { name: `containers-${via}`, data: `through ${via} ${stack.runId}` };
      const answer = await postJson(`${stack.broker}/handle`, { action: 'log', log: entry, via });
      expectStatus(answer, 202);
      await stored({ name: entry.name, data: entry.data });
    },
  });

  const checks: Check[] = [
    {
      name: 'POST / on the broker publishes broker_hit, stored in the mongo container',
      async run() {
        const answer = await postJson(`${stack.broker}/`);
        expectStatus(answer, 202);
        await stored({ name: 'broker_hit', request_id: answer.requestId });
      },
    },
    {
      name: 'auth with the right password is accepted',
      async run() {
        const answer = await postJson(`${stack.broker}/handle`, { action: 'auth', auth: ADMIN });
        expectStatus(answer, 202);
        if (answer.body.data?.email !== ADMIN.email)
          throw new Error(`unexpected user ${JSON.stringify(answer.body.data)}`);
      },
    },
    {
      name: "the page's demo user signs in, without the admin right",
      async run() {
        const answer = await postJson(`${stack.broker}/handle`, { action: 'auth', auth: DEMO });
        expectStatus(answer, 202);
        if (answer.body.data?.admin !== false)
          throw new Error(`the demo user is not an ordinary user: ${JSON.stringify(answer.body.data)}`);
      },
    },
    {
      name: 'auth with a wrong password is refused with 401',
      async run() {
        const auth = { email: ADMIN.email, password: `wrong-${stack.runId}` };
        expectStatus(await postJson(`${stack.broker}/handle`, { action: 'auth', auth }), 401);
      },
    },
    logVia('rpc'),
    logVia('grpc'),
    logVia('http'),
    logVia('rabbitmq'),
    {
      name: 'POST /log-grpc is stored in the mongo container',
      async run() {
        const entry = { name: 'containers-log-grpc', data: `log-grpc ${stack.runId}` };
        expectStatus(await postJson(`${stack.broker}/log-grpc`, { log: entry }), 202);
        await stored({ name: entry.name, data: entry.data });
      },
    },
    {
      name: 'mail reaches the catcher container',
      async run() {
        const subject = `containers ${stack.runId}`;
        const mail = {
          from: 'me@example.com',
          to: 'you@example.com',
          subject,
          message: 'Hello from the stack',
        };
        expectStatus(await postJson(`${stack.broker}/handle`, { action: 'mail', mail }), 202);
        await waitFor(
          async () => {
            const response = await fetch(`${stack.mailViewer}/api/v2/messages?start=0&limit=50`);
            const { items } = (await response.json()) as MailHogMessages;
            return items.some((m) => m.Content.Headers.Subject?.[0] === subject);
          },
          { timeoutMs: 15_000, intervalMs: 200, describe: () => `mail "${subject}" not in the catcher` },
        );
      },
    },
    {
      name: 'the logger admin UI signs the admin in and shows the dashboard',
      run: () => adminLogin(stack.logger),
    },
    traceOfOneClick,
  ];
  return { checks, close: () => logs.close() };
}

/** The admin UI's form login as a browser does it: page, CSRF token and cookies, post, dashboard. */
async function adminLogin(logger: string) {
  const web = new WebClient(logger);
  const { page, response } = await web.signIn(ADMIN.email, ADMIN.password);
  if (page.status !== 200) throw new Error(`GET /login answered ${page.status}`);
  const location = response.headers.get('location') ?? '';
  if (response.status !== 303 || !location.startsWith('/admin')) {
    throw new Error(`POST /login answered ${response.status} to ${location || 'nowhere'}`);
  }
  const dashboard = await web.get('/admin/dashboard');
  if (dashboard.status !== 200)
    throw new Error(`the dashboard answered ${dashboard.status} after signing in`);
}
