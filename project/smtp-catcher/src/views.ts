import Mustache from 'mustache';
import type { StoredMessage } from './store.js';

const STYLE = `<style>
body { font-family: system-ui, sans-serif; margin: 0; color: #222; }
header { background: #2d3e50; color: #fff; padding: .6rem 1rem; display: flex; gap: 1rem; align-items: baseline; }
header a { color: #fff; }
main { padding: 1rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #ddd; vertical-align: top; }
tr:hover td { background: #f4f7fa; }
pre { white-space: pre-wrap; background: #f6f6f6; padding: .75rem; border: 1px solid #ddd; }
iframe { width: 100%; height: 32rem; border: 1px solid #ddd; background: #fff; }
.muted { color: #777; }
</style>`;

const LIST = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SMTP catcher ({{count}})</title>${STYLE}</head>
<body>
<header><strong>SMTP catcher</strong><span>{{count}} message(s), newest first</span><a href="/">refresh</a></header>
<main>
{{#messages.length}}
<table>
<thead><tr><th>Received</th><th>From</th><th>To</th><th>Subject</th></tr></thead>
<tbody>
{{#messages}}
<tr><td class="muted">{{receivedAt}}</td><td>{{from}}</td><td>{{to}}</td><td><a href="/messages/{{id}}">{{subject}}{{^subject}}(no subject){{/subject}}</a></td></tr>
{{/messages}}
</tbody>
</table>
{{/messages.length}}
{{^messages.length}}<p class="muted">No messages yet. Send mail to SMTP port {{smtpPort}}.</p>{{/messages.length}}
</main>
</body></html>`;

const MESSAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{message.subject}}</title>${STYLE}</head>
<body>
<header><a href="/">&larr; all messages</a><strong>{{message.subject}}</strong></header>
<main>
<table>
{{#headers}}<tr><th>{{name}}</th><td>{{value}}</td></tr>{{/headers}}
<tr><th>envelope</th><td>MAIL FROM {{message.envelope.mailFrom}} &rarr; RCPT TO {{rcptTo}}</td></tr>
</table>
{{#message.html}}
<h2>HTML part</h2>
<iframe sandbox title="HTML part" srcdoc="{{message.html}}"></iframe>
{{/message.html}}
<h2>Plain text part</h2>
<pre>{{message.text}}{{^message.text}}(none){{/message.text}}</pre>
<p><a href="/api/messages/{{message.id}}">JSON</a> &middot; <a href="/api/messages/{{message.id}}/raw">raw source</a></p>
</main>
</body></html>`;

// Parsed once so every request only renders.
Mustache.parse(LIST);
Mustache.parse(MESSAGE);

/** Every value goes through `{{ }}` so a subject or body can never inject markup into the page. */
export function renderList(messages: readonly StoredMessage[], smtpPort: number): string {
  const newestFirst = [...messages].reverse();
  return Mustache.render(LIST, { messages: newestFirst, count: messages.length, smtpPort });
}

export function renderMessage(message: StoredMessage): string {
  const headers = Object.entries(message.headers).map(([name, value]) => ({ name, value }));
  return Mustache.render(MESSAGE, { message, headers, rcptTo: message.envelope.rcptTo.join(', ') });
}
