import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadTemplates, messageToHtml } from '../../src/render.js';

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
});
