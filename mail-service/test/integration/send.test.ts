import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { type SmtpCatcher, startSmtpCatcher } from '@suite/smtp-catcher';
import { closedPort } from '@suite/test-kit';
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

async function post(url: string, body: unknown, contentType = 'application/json') {
  const response = await fetch(`${url}/send`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { error: boolean; message: string } };
}

const SENDER = '"Suite Test" <suite-test@example.com>';
const unique = (label: string) => `${label} ${Math.random().toString(36).slice(2)}`;

describe('mail-service POST /send against a real SMTP server', () => {
  let catcher: SmtpCatcher;
  let service: Service;
  let downService: Service;
  let limitedService: Service;
  let downPort: number;

  before(async () => {
    catcher = await startSmtpCatcher({ smtpPort: 0, webPort: 0 });
    service = await startService(catcher.smtpPort);
    limitedService = await startService(catcher.smtpPort, {
      MAIL_ALLOWED_DOMAINS: 'example.com, Example.ORG',
      FROM_NAME: 'Süite Tëst',
    });
    downPort = await closedPort();
    downService = await startService(downPort);
  });

  after(async () => {
    await stopService(service);
    await stopService(limitedService);
    await stopService(downService);
    await catcher?.close();
  });

  test('when a valid mail is posted without from, then 202 and the catcher receives both parts from the configured sender', async () => {
    const subject = unique('Welcome');
    const res = await post(service.url, { to: 'rcpt@example.com', subject, message: 'Line one\nLine two' });
    assert.equal(res.status, 202);
    assert.deepEqual(res.body, { error: false, message: 'sent to rcpt@example.com' });

    const mail = await catcher.waitFor((m) => m.subject === subject, 5000);
    assert.equal(mail.to, 'rcpt@example.com');
    assert.equal(mail.from, SENDER);
    assert.equal(mail.headers['reply-to'], undefined);
    assert.deepEqual(mail.envelope, { mailFrom: 'suite-test@example.com', rcptTo: ['rcpt@example.com'] });
    assert.match(mail.headers['content-type'] ?? '', /multipart\/alternative/);
    assert.match(mail.headers['message-id'] ?? '', /^<[\w-]+@example\.com>$/);
    assert.match(mail.text, /Line one\nLine two/);
    assert.ok(mail.html, 'no HTML part');
    assert.match(mail.html, /Line one<br>\s*Line two/);
    assert.match(mail.html, /<p class="message" style="[^"]+"/, 'CSS was not inlined');
  });

  test('when from is another address, then the mail is still from the configured sender and from becomes Reply-To', async () => {
    const subject = unique('Spoofed sender');
    const res = await post(service.url, {
      from: 'ceo@bank.example',
      to: 'bob@example.com',
      subject,
      message: 'hi',
    });
    assert.equal(res.status, 202);
    const mail = await catcher.waitFor((m) => m.subject === subject, 5000);
    assert.equal(mail.from, SENDER);
    assert.equal(mail.headers.from, SENDER);
    assert.equal(mail.headers.sender, undefined);
    assert.equal(mail.headers['reply-to'], 'ceo@bank.example');
    assert.deepEqual(mail.envelope, { mailFrom: 'suite-test@example.com', rcptTo: ['bob@example.com'] });
  });

  test('when from is a display name carrying another address, then that address reaches no header and the real one becomes Reply-To', async () => {
    for (const from of [
      '"ceo@bank.example" <attacker@evil.example>',
      'ceo@bank.example <attacker@evil.example>',
      '"CEO <ceo@bank.example>" <attacker@evil.example>',
    ]) {
      const subject = unique('Display-name spoof');
      const res = await post(service.url, { from, to: 'bob@example.com', subject, message: 'hi' });
      assert.equal(res.status, 202, `${from}: ${res.body.message}`);
      const mail = await catcher.waitFor((m) => m.subject === subject, 5000);
      assert.equal(mail.from, SENDER, from);
      assert.equal(mail.headers['reply-to'], 'attacker@evil.example', from);
      assert.equal(mail.envelope.mailFrom, 'suite-test@example.com', from);
      for (const [name, value] of Object.entries(mail.headers)) {
        assert.doesNotMatch(value, /ceo@bank\.example/, `${from}: header ${name}`);
      }
    }
  });

  test('when the subject, message and sender name are not ASCII and a line is longer than SMTP allows, then they arrive intact', async () => {
    const subject = `Grüße, ${unique('naïve café')} — 東京 🚀`;
    const message = `Zeile eins: äöü ß\n${'long line '.repeat(150)}\nend — 🚀`;
    const res = await post(limitedService.url, { to: 'rcpt@example.com', subject, message });
    assert.equal(res.status, 202, res.body.message);
    const mail = await catcher.waitFor((m) => m.subject === subject, 5000);
    assert.equal(mail.from, '"Süite Tëst" <suite-test@example.com>');
    assert.equal(
      mail.text.trim().split('\n').slice(0, 3).join('\n'),
      `${subject}\n\n${message.split('\n')[0]}`,
    );
    assert.ok(mail.text.includes(message.split('\n')[1]!), 'the long line was broken or lost');
    assert.ok(mail.html?.includes('end — 🚀'));
  });

  test('when MAIL_ALLOWED_DOMAINS is set and the recipient is elsewhere, then 400 names the domain and nothing is sent', async () => {
    const subject = unique('Outside');
    const res = await post(limitedService.url, { to: 'victim@elsewhere.example', subject, message: 'x' });
    assert.equal(res.status, 400);
    assert.equal(res.body.error, true);
    assert.equal(
      res.body.message,
      'to: this service does not send mail to elsewhere.example (allowed domains: example.com, example.org)',
    );
    // A subdomain is another domain.
    const sub = await post(limitedService.url, { to: 'victim@mail.example.com', subject, message: 'x' });
    assert.equal(sub.status, 400);

    const allowed = await post(limitedService.url, {
      to: 'rcpt@EXAMPLE.org',
      subject: `${subject} ok`,
      message: 'x',
    });
    assert.equal(allowed.status, 202, allowed.body.message);
    await catcher.waitFor((m) => m.subject === `${subject} ok`, 5000);
    assert.equal(
      catcher.messages().some((m) => m.subject === subject),
      false,
      'a mail to a domain outside the list was sent',
    );
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
    assert.equal(res.body.message, 'mail server refused the message (SMTP 451)');
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
    assert.equal(res.body.message, 'mail server rejected the message (SMTP 550)');
    assert.equal(
      catcher.messages().some((m) => m.subject === subject),
      false,
      'the message was retried after a permanent rejection',
    );
  });

  test('when the mail server is down, then 502 says only that it is unreachable, and the service keeps answering', async () => {
    const res = await post(downService.url, { to: 'rcpt@example.com', subject: 'Hi', message: 'x' });
    assert.equal(res.status, 502);
    assert.deepEqual(res.body, { error: true, message: 'mail server unreachable' });

    const ping = await fetch(`${downService.url}/ping`);
    assert.equal(ping.status, 200);
    const ready = await fetch(`${downService.url}/readyz`);
    assert.equal(ready.status, 503);
    const readiness = await ready.text();
    assert.match(readiness, /"smtp":"mail server unreachable"/);
    for (const text of [JSON.stringify(res.body), readiness]) {
      assert.doesNotMatch(text, new RegExp(`127\\.0\\.0\\.1|${downPort}|ECONNREFUSED`), text);
    }

    const again = await post(downService.url, { to: 'rcpt@example.com', subject: 'Hi', message: 'x' });
    assert.equal(again.status, 502);
  });

  test('when the mail server answers, then /readyz is 200', async () => {
    const ready = await fetch(`${service.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(((await ready.json()) as { data: unknown }).data, { smtp: 'ok' });
  });
});
