import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { type SmtpCatcher, startSmtpCatcher } from '@suite/smtp-catcher';
import { closeHttpServer, listen } from '@suite/toolbox';
import { readConfig } from '../../src/config.js';
import { buildMailService, type MailService } from '../../src/service.js';

interface Service {
  url: string;
  service: MailService;
  server: http.Server;
}

async function startService(smtpPort: number, env: NodeJS.ProcessEnv = {}): Promise<Service> {
  const config = readConfig({
    MAIL_HOST: '127.0.0.1',
    MAIL_PORT: String(smtpPort),
    MAIL_MAX_CONNECTIONS: '2',
    MAIL_TIMEOUT_MS: '3000',
    FROM_NAME: 'Suite Test',
    FROM_ADDRESS: 'suite-test@example.com',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const service = buildMailService(config);
  const server = http.createServer(service.app);
  const port = await listen(server, 0, '127.0.0.1');
  return { url: `http://127.0.0.1:${port}`, service, server };
}

async function stopService(running: Service | undefined): Promise<void> {
  if (!running) return;
  await closeHttpServer(running.server, 1000);
  await running.service.close();
}

async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function post(url: string, body: unknown, contentType = 'application/json') {
  const response = await fetch(`${url}/send`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { error: boolean; message: string } };
}

const unique = (label: string) => `${label} ${Math.random().toString(36).slice(2)}`;

describe('mail-service POST /send against a real SMTP server', () => {
  let catcher: SmtpCatcher;
  let service: Service;
  let downService: Service;

  before(async () => {
    catcher = await startSmtpCatcher({ smtpPort: 0, webPort: 0 });
    service = await startService(catcher.smtpPort);
    downService = await startService(await closedPort());
  });

  after(async () => {
    await stopService(service);
    await stopService(downService);
    await catcher?.close();
  });

  test('when a valid mail is posted without from, then 202 and the catcher receives both parts from the default sender', async () => {
    const subject = unique('Welcome');
    const res = await post(service.url, { to: 'rcpt@example.com', subject, message: 'Line one\nLine two' });
    assert.equal(res.status, 202);
    assert.deepEqual(res.body, { error: false, message: 'sent to rcpt@example.com' });

    const mail = await catcher.waitFor((m) => m.subject === subject, 5000);
    assert.equal(mail.to, 'rcpt@example.com');
    assert.equal(mail.from, '"Suite Test" <suite-test@example.com>');
    assert.deepEqual(mail.envelope, { mailFrom: 'suite-test@example.com', rcptTo: ['rcpt@example.com'] });
    assert.match(mail.headers['content-type'] ?? '', /multipart\/alternative/);
    assert.match(mail.text, /Line one\nLine two/);
    assert.ok(mail.html, 'no HTML part');
    assert.match(mail.html, /Line one<br>\s*Line two/);
    assert.match(mail.html, /<p class="message" style="[^"]+"/, 'CSS was not inlined');
  });

  test('when from is given as "Name <address>", then the mail is sent from it', async () => {
    const subject = unique('Explicit sender');
    const res = await post(service.url, {
      from: 'Alice Example <alice@example.com>',
      to: 'bob@example.com',
      subject,
      message: 'hi',
    });
    assert.equal(res.status, 202);
    const mail = await catcher.waitFor((m) => m.subject === subject, 5000);
    assert.equal(mail.from, '"Alice Example" <alice@example.com>');
    assert.equal(mail.envelope.mailFrom, 'alice@example.com');
    assert.deepEqual(mail.envelope.rcptTo, ['bob@example.com']);
  });

  test('when subject and message hold a script tag, then the HTML part shows it escaped', async () => {
    const marker = Math.random().toString(36).slice(2);
    const subject = `<script>alert("${marker}")</script>`;
    const res = await post(service.url, {
      to: 'rcpt@example.com',
      subject,
      message: `<script>evil()</script>${marker}`,
    });
    assert.equal(res.status, 202);
    const mail = await catcher.waitFor((m) => m.subject === subject, 5000);
    assert.ok(mail.html);
    assert.doesNotMatch(mail.html, /<script/);
    assert.match(mail.html, /&lt;script&gt;evil\(\)&lt;&#x2F;script&gt;/);
    assert.match(mail.text, /<script>evil\(\)<\/script>/);
  });

  test('when a header field carries CRLF and a Bcc header, then 400 names the field and nothing is sent', async () => {
    const cases = {
      subject: { to: 'rcpt@example.com', subject: 'Hi\r\nBcc: x@y.z', message: 'x' },
      to: { to: 'rcpt@example.com\r\nBcc: x@y.z', subject: 'Hi', message: 'x' },
      from: { from: 'a@example.com\r\nBcc: x@y.z', to: 'rcpt@example.com', subject: 'Hi', message: 'x' },
      // The display name is a header field too.
      'from ': {
        from: 'Alice\nBcc: x@y.z <a@example.com>',
        to: 'rcpt@example.com',
        subject: 'Hi',
        message: 'x',
      },
    };
    const before = catcher.messages().length;
    for (const [field, body] of Object.entries(cases)) {
      const res = await post(service.url, body);
      assert.equal(res.status, 400, field);
      assert.equal(res.body.error, true);
      assert.match(
        res.body.message,
        new RegExp(`^${field.trim()}: must not contain line breaks`),
        res.body.message,
      );
    }
    assert.equal(catcher.messages().length, before, 'a mail was sent despite the 400');
    assert.equal(
      catcher.messages().some((m) => m.envelope.rcptTo.includes('x@y.z')),
      false,
    );
  });

  test('when addresses are invalid or fields missing, then 400 names the field', async () => {
    for (const [body, field] of [
      [{ to: 'not-an-address', subject: 'Hi', message: 'x' }, 'to'],
      [{ from: 'Alice <nope>', to: 'rcpt@example.com', subject: 'Hi', message: 'x' }, 'from'],
      [{ to: 'a@example.com, b@example.com', subject: 'Hi', message: 'x' }, 'to'],
      [{ to: 'rcpt@example.com', message: 'x' }, 'subject'],
      [{ to: 'rcpt@example.com', subject: 'Hi', message: 42 }, 'message'],
    ] as const) {
      const res = await post(service.url, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.body.message, new RegExp(`^${field}:`), res.body.message);
    }
  });

  test('when the body is too large, a field too long, the JSON malformed or not JSON, then 413 or 400', async () => {
    const huge = await post(service.url, {
      to: 'rcpt@example.com',
      subject: 'Hi',
      message: 'x'.repeat(100_000),
    });
    assert.equal(huge.status, 413);
    assert.equal(huge.body.error, true);

    const long = await post(service.url, {
      to: 'rcpt@example.com',
      subject: 'Hi',
      message: 'x'.repeat(10_001),
    });
    assert.equal(long.status, 400);
    assert.match(long.body.message, /^message: must be at most 10000 characters/);

    const longSubject = await post(service.url, {
      to: 'rcpt@example.com',
      subject: 's'.repeat(201),
      message: 'x',
    });
    assert.equal(longSubject.status, 400);

    const malformed = await post(service.url, '{"to": "rcpt@example.com",');
    assert.equal(malformed.status, 400);
    assert.match(malformed.body.message, /malformed JSON/);

    const form = await post(service.url, 'to=rcpt@example.com', 'application/x-www-form-urlencoded');
    assert.equal(form.status, 400);
    assert.match(form.body.message, /Content-Type: application\/json/);
  });

  test('when the mail server refuses the first DATA with 451, then the send is retried once and succeeds', async () => {
    const subject = unique('Retried');
    catcher.rejectNext(1, 451);
    const res = await post(service.url, { to: 'rcpt@example.com', subject, message: 'x' });
    assert.equal(res.status, 202, res.body.message);
    await catcher.waitFor((m) => m.subject === subject, 5000);
    assert.equal(catcher.messages().filter((m) => m.subject === subject).length, 1);
  });

  test('when the mail server refuses with 451 twice, then 502 after exactly one retry', async () => {
    const subject = unique('Refused twice');
    catcher.rejectNext(2, 451);
    const res = await post(service.url, { to: 'rcpt@example.com', subject, message: 'x' });
    assert.equal(res.status, 502);
    assert.match(res.body.message, /^mail server refused the message: 451/);
    assert.equal(
      catcher.messages().some((m) => m.subject === subject),
      false,
    );
    // Both refusals were used by this request (a second retry would have been accepted instead), so the next mail goes through.
    const next = await post(service.url, {
      to: 'rcpt@example.com',
      subject: `${subject} next`,
      message: 'x',
    });
    assert.equal(next.status, 202, next.body.message);
  });

  test('when the mail server rejects permanently with 550, then 502 without a retry', async () => {
    const subject = unique('Rejected');
    catcher.rejectNext(1, 550, 'mailbox unavailable');
    const res = await post(service.url, { to: 'rcpt@example.com', subject, message: 'x' });
    assert.equal(res.status, 502);
    assert.match(res.body.message, /^mail server rejected the message: 550/);
    assert.equal(
      catcher.messages().some((m) => m.subject === subject),
      false,
      'the message was retried after a permanent rejection',
    );
  });

  test('when the mail server is down, then 502 and the service keeps answering', async () => {
    const res = await post(downService.url, { to: 'rcpt@example.com', subject: 'Hi', message: 'x' });
    assert.equal(res.status, 502);
    assert.match(res.body.message, /^mail server unreachable: /);

    const ping = await fetch(`${downService.url}/ping`);
    assert.equal(ping.status, 200);
    const ready = await fetch(`${downService.url}/readyz`);
    assert.equal(ready.status, 503);

    const again = await post(downService.url, { to: 'rcpt@example.com', subject: 'Hi', message: 'x' });
    assert.equal(again.status, 502);
  });

  test('when the mail server answers, then /readyz is 200', async () => {
    const ready = await fetch(`${service.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(((await ready.json()) as { data: unknown }).data, { smtp: 'ok' });
  });
});
