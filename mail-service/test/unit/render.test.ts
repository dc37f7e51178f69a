import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import juice from 'juice';
import Mustache from 'mustache';
import { loadTemplates, messageToHtml } from '../../src/render.js';

const TEMPLATES = fileURLToPath(new URL('../../templates/', import.meta.url));

describe('mail rendering', () => {
  const render = loadTemplates();

  test('when rendered, then the HTML has its CSS inlined and the text part has no markup', () => {
    const { html, text } = render({ subject: 'Hi', message: 'Hello', to: 'rcpt@example.com' });
    assert.match(html, /<p class="message" style="[^"]*font-family/);
    assert.match(html, /@media/);
    assert.match(text, /^Hi\n\nHello\n/);
    assert.doesNotMatch(text, /</);
  });

  test('when user text holds markup, then it is escaped in HTML and kept verbatim in text', () => {
    const { html, text } = render({
      subject: '<script>alert(1)</script>',
      message: '<img src=x onerror=alert(1)>\nsecond & "line"',
      to: 'rcpt@example.com',
    });
    assert.doesNotMatch(html, /<script>|<img/);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;&#x2F;script&gt;/);
    assert.match(html, /&lt;img src&#x3D;x onerror&#x3D;alert\(1\)&gt;<br>\nsecond &amp; &quot;line&quot;/);
    assert.match(text, /<img src=x onerror=alert\(1\)>\nsecond & "line"/);
  });

  test('when a message has CRLF, CR or LF, then each becomes one <br> after escaping', () => {
    assert.equal(messageToHtml('a\r\nb\rc\n<br>'), 'a<br>\nb<br>\nc<br>\n&lt;br&gt;');
  });

  test('when mails follow one another, then each shows its own values, escaped, and nothing of the one before', () => {
    const first = render({ subject: 'First <b>', message: 'one & only', to: 'a@example.com' });
    const second = render({ subject: 'Second', message: 'two', to: 'b@example.org' });
    assert.match(first.html, /First &lt;b&gt;/);
    assert.match(first.html, /one &amp; only/);
    assert.match(second.html, /<h1 class="subject"[^>]*>Second<\/h1>/);
    assert.match(second.html, /to b@example\.org\./);
    assert.match(second.text, /^Second\n\ntwo\n/);
    for (const part of [second.html, second.text]) assert.doesNotMatch(part, /First|one|a@example\.com/);
  });

  test('when rendered from the parsed templates, then the bytes are those of Mustache.render on the same templates', () => {
    const html = juice(readFileSync(`${TEMPLATES}/mail.html.mustache`, 'utf8'));
    const text = readFileSync(`${TEMPLATES}/mail.txt.mustache`, 'utf8');
    const content = { subject: 'Grüße <"x">', message: "it's\r\n<ok> & /done/", to: 'rcpt@example.com' };
    const rendered = render(content);
    assert.equal(
      rendered.html,
      Mustache.render(html, { ...content, messageHtml: messageToHtml(content.message) }),
    );
    assert.equal(rendered.text, Mustache.render(text, content));
  });
});
