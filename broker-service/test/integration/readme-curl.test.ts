import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type BrokerSuite, startBrokerSuite, uniqueTag } from '../support/suite.js';

const run = promisify(execFile);
const SERVICE_README = fileURLToPath(new URL('../../README.md', import.meta.url));
const ROOT_README = fileURLToPath(new URL('../../../README.md', import.meta.url));
const DOCUMENTED_BROKER = /https?:\/\/(?:localhost|127\.0\.0\.1):8080/g;

/** Every `curl` command aimed at the documented broker address, from the README's ```sh blocks. */
export function curlCommands(markdown: string): string[] {
  const commands: string[] = [];
  for (const block of markdown.matchAll(/^```(?:sh|bash|shell)\s*\n([\s\S]*?)^```/gm)) {
    const joined = block[1]!.replace(/\\\n\s*/g, ' ');
    for (const line of joined.split('\n')) {
      const command = line.trim();
      if (command.startsWith('curl ') && DOCUMENTED_BROKER.test(command)) commands.push(command);
      DOCUMENTED_BROKER.lastIndex = 0;
    }
  }
  return commands;
}

const sources = [
  {
    file: SERVICE_README,
    name: 'broker-service/README.md',
    commands: curlCommands(readFileSync(SERVICE_README, 'utf8')),
  },
];
if (existsSync(ROOT_README))
  sources.push({
    file: ROOT_README,
    name: 'README.md',
    commands: curlCommands(readFileSync(ROOT_README, 'utf8')),
  });

/** What the example claims to do, checked where it lands: MongoDB, the SMTP catcher, the answer. */
async function checkSideEffect(
  env: BrokerSuite,
  command: string,
  requestId: string,
  envelope: { data?: { email?: string; eventId?: string } },
): Promise<void> {
  const raw = /-d '([^']*)'/.exec(command)?.[1];
  const body = raw === undefined ? undefined : JSON.parse(raw);
  if (body === undefined) {
    await env.logs.waitFor({ name: 'broker_hit', request_id: requestId });
  } else if (body.action === 'auth') {
    assert.equal(envelope.data?.email, body.auth.email);
  } else if (body.action === 'mail') {
    await env.suite.mail!.waitFor((m) => m.subject === body.mail.subject, 10_000);
  } else {
    const [entry] = await env.logs.waitFor({ data: body.log.data, request_id: requestId });
    if (body.via === 'rabbitmq') assert.equal(entry?.event_id, envelope.data?.eventId);
  }
}

describe('README curl examples', () => {
  let env: BrokerSuite;
  before(async () => {
    env = await startBrokerSuite();
  });
  after(() => env?.stop());

  test('when the READMEs are read, then each has curl examples for the broker', () => {
    for (const { file, commands } of sources) {
      assert.ok(commands.length > 0, `${file} has no curl examples aimed at localhost:8080 in a sh block`);
    }
    const actions = sources.flatMap((s) => s.commands).join('\n');
    for (const needle of [
      '"action":"auth"',
      '"action":"log"',
      '"action":"mail"',
      '"via":"rabbitmq"',
      '/log-grpc',
    ]) {
      assert.ok(actions.includes(needle), `no curl example uses ${needle}`);
    }
  });

  for (const { name, commands } of sources) {
    for (const [i, command] of commands.entries()) {
      test(`when example ${i + 1} of ${name} runs, then it gets a 2xx envelope`, async () => {
        // A request id of the test's own, unless the example shows how to send one.
        const documentedId = /-H '[Xx]-[Rr]equest-[Ii]d: ([^']+)'/.exec(command)?.[1];
        const requestId = documentedId ?? uniqueTag('readme');
        const rewritten =
          command.replace(DOCUMENTED_BROKER, env.suite.urls.broker) +
          (documentedId ? '' : ` -H 'X-Request-Id: ${requestId}'`);
        // Runs through a shell, as a reader pasting it would; the status goes on a line of its own.
        const { stdout } = await run('sh', ['-c', `${rewritten} -w '\\n%{http_code}'`], { timeout: 20_000 });
        const lines = stdout.trimEnd().split('\n');
        const status = Number(lines.pop());
        const body = lines.join('\n');
        assert.ok(status >= 200 && status < 300, `${command}\nanswered ${status}: ${body}`);
        const envelope = JSON.parse(body);
        assert.equal(envelope.error, false, body);
        assert.equal(typeof envelope.message, 'string');
        await checkSideEffect(env, command, requestId, envelope);
      });
    }
  }
});
