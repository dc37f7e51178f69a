import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import nodemailer, { type Transporter } from 'nodemailer';
import { type SmtpCatcher, startSmtpCatcher } from '../../src/index.js';

describe('smtp catcher', () => {
  let catcher: SmtpCatcher;
  let transport: Transporter;

  before(async () => {
    catcher = await startSmtpCatcher({ smtpPort: 0, webPort: 0 });
    transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: catcher.smtpPort,
      secure: false,
      auth: { user: 'anyone', pass: 'anything' },
    });
  });

  after(async () => {
    transport.close();
    await catcher.close();
  });

  test('when nodemailer sends a multipart message, then the JSON API returns it parsed', async () => {
    const subject = `hello ${Math.random()}`;
    await transport.sendMail({
      from: 'Sender <sender@example.com>',
      to: 'rcpt@example.com',
      bcc: 'hidden@example.com',
      subject,
      text: 'plain body',
      html: '<p>html body</p>',
    });

    const listed = (await (await fetch(`${catcher.webUrl}/api/messages`)).json()) as Array<
      Record<string, unknown>
    >;
    const caught = listed.find((m) => m.subject === subject);
    assert.ok(caught, `message ${subject} not in ${JSON.stringify(listed)}`);
    assert.equal(caught.from, '"Sender" <sender@example.com>');
    assert.equal(caught.to, 'rcpt@example.com');
    assert.equal((caught.text as string).trim(), 'plain body');
    assert.match(caught.html as string, /<p>html body<\/p>/);
    assert.deepEqual(caught.envelope, {
      mailFrom: 'sender@example.com',
      rcptTo: ['rcpt@example.com', 'hidden@example.com'],
    });
    assert.equal((caught.headers as Record<string, string>).subject, subject);

    const one = await fetch(`${catcher.webUrl}/api/messages/${caught.id}`);
    assert.equal(one.status, 200);
    assert.equal(((await one.json()) as { subject: string }).subject, subject);

    const mailhog = (await (await fetch(`${catcher.webUrl}/api/v2/messages`)).json()) as {
      total: number;
      items: Array<{ ID: string; Content: { Headers: Record<string, string[]>; Body: string } }>;
    };
    const item = mailhog.items.find((i) => i.ID === caught.id);
    assert.ok(item);
    assert.deepEqual(item.Content.Headers.Subject, [subject]);
    assert.match(item.Content.Body, /plain body/);
  });

  test('when the subject holds a script tag, then the HTML pages show it escaped', async () => {
    const subject = `<script>alert(1)</script> ${Date.now()}`;
    await transport.sendMail({
      from: 'sender@example.com',
      to: 'rcpt@example.com',
      subject,
      text: 'x',
      html: '<p onclick="evil()">"quoted"</p>',
    });
    const caught = await catcher.waitFor((m) => m.subject === subject, 5000);

    const list = await (await fetch(`${catcher.webUrl}/`)).text();
    assert.doesNotMatch(list, /<script>alert/);
    assert.match(list, /&lt;script&gt;alert\(1\)&lt;/);

    const page = await fetch(`${catcher.webUrl}/messages/${caught.id}`);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const html = await page.text();
    assert.doesNotMatch(html, /<script>alert/);
    assert.match(
      html,
      /<iframe sandbox title="HTML part" srcdoc="&lt;p onclick&#x3D;&quot;evil\(\)&quot;&gt;/,
    );
  });

  test('when the catcher is told to reject once with 451, then the first send fails and the next arrives', async () => {
    catcher.rejectNext(1, 451);
    await assert.rejects(
      transport.sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'rejected', text: 'x' }),
      (err: { responseCode?: number }) => err.responseCode === 451,
    );
    await transport.sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'accepted', text: 'x' });
    await catcher.waitFor((m) => m.subject === 'accepted', 5000);
    assert.equal(
      catcher.messages().some((m) => m.subject === 'rejected'),
      false,
    );
  });

  test('when messages are deleted, then the API lists none and unknown ids answer 404', async () => {
    const deleted = await fetch(`${catcher.webUrl}/api/messages`, { method: 'DELETE' });
    assert.equal(deleted.status, 200);
    assert.deepEqual(await (await fetch(`${catcher.webUrl}/api/messages`)).json(), []);
    assert.equal((await fetch(`${catcher.webUrl}/api/messages/nope`)).status, 404);
    assert.equal((await fetch(`${catcher.webUrl}/ping`)).status, 200);
    assert.equal((await fetch(`${catcher.webUrl}/favicon.ico`)).status, 204);
  });
});
