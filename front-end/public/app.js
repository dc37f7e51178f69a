// The test page's behaviour. A static file, not an inline script, so the Content-Security-Policy can
// forbid inline code. Every value from the broker is written with textContent, never as HTML.
(() => {
  const brokerUrl = (document.body.dataset.brokerUrl || '').replace(/\/+$/, '');
  // Where a request's trace is drawn (the trace catcher, Jaeger); no trace links when empty.
  const traceViewUrl = (document.body.dataset.traceViewUrl || '').replace(/\/+$/, '');
  const output = document.getElementById('output');
  const sent = document.getElementById('payload');
  const received = document.getElementById('received');
  const REQUEST_TIMEOUT_MS = 15000;

  const requests = {
    brokerBtn: { path: '/' },
    // The demo user every deployment seeds: this password goes to every visitor, so that user is no
    // administrator and the logger's admin UI refuses it.
    authBrokerBtn: {
      path: '/handle',
      body: { action: 'auth', auth: { email: 'demo@example.com', password: 'demo-password' } },
    },
    logBtn: { path: '/handle', body: { action: 'log', log: { name: 'event', data: 'Some kind of data' } } },
    logGBtn: { path: '/log-grpc', body: { log: { name: 'event', data: 'Some kind of gRPC data' } } },
    logRabbitBtn: {
      path: '/handle',
      body: { action: 'log', via: 'rabbitmq', log: { name: 'event', data: 'Some kind of RabbitMQ data' } },
    },
    mailBtn: {
      path: '/handle',
      body: {
        action: 'mail',
        mail: { from: 'me@example.com', to: 'me@here.com', subject: 'Test email', message: 'Hello world!' },
      },
    },
  };

  // crypto.randomUUID exists only in secure contexts; a page opened over plain http on another
  // host still needs ids.
  function newRequestId() {
    if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function line(label, text, className) {
    const node = element('div', className);
    node.append(element('strong', undefined, label), `: ${text}`);
    return node;
  }

  function startEntry(buttonId, url, requestId) {
    output.querySelector('.placeholder-text')?.remove();
    const entry = element('div', 'output-entry');
    entry.dataset.button = buttonId;
    entry.dataset.requestId = requestId;
    entry.dataset.state = 'pending';
    const meta = element('div', 'small text-muted');
    meta.append(`POST ${url} · request id `, element('code', 'request-id', requestId));
    entry.append(meta);
    output.append(entry);
    entry.scrollIntoView({ block: 'nearest' });
    return entry;
  }

  /** A link to the request's trace, when the broker said which trace it was and there is a trace view. */
  function traceLink(response) {
    const traceId = response.headers.get('X-Trace-Id');
    if (!traceViewUrl || !traceId || !/^[0-9a-f]{32}$/.test(traceId)) return [];
    const link = element('a', 'trace-link', "View this request's trace");
    link.href = `${traceViewUrl}/trace/${traceId}`;
    link.target = '_blank';
    link.rel = 'noopener';
    link.dataset.traceId = traceId;
    const node = element('div', 'small');
    node.append(link);
    return [node];
  }

  function finishEntry(entry, ok, lines) {
    entry.append(...lines);
    entry.dataset.state = ok ? 'ok' : 'error';
    output.scrollTop = output.scrollHeight;
  }

  function describeSuccess(buttonId, body) {
    const lines = [line('Response from broker service', body.message)];
    if (buttonId === 'authBrokerBtn' && body.data) {
      const user = body.data;
      const name = [user.first_name, user.last_name].filter(Boolean).join(' ');
      lines.push(
        element(
          'div',
          'text-success',
          `Authenticated as ${user.first_name || user.email} (${name}, ${user.email})`,
        ),
      );
    }
    if (body.data && typeof body.data.result === 'string')
      lines.push(line('Logger said', body.data.result, 'small'));
    if (body.data && typeof body.data.eventId === 'string')
      lines.push(line('Event id', body.data.eventId, 'small'));
    return lines;
  }

  async function send(buttonId) {
    const { path, body } = requests[buttonId];
    const url = `${brokerUrl}${path}`;
    const requestId = newRequestId();
    sent.textContent = body === undefined ? 'empty post request' : JSON.stringify(body, undefined, 4);
    received.textContent = '';
    const entry = startEntry(buttonId, url, requestId);
    const headers = { 'X-Request-Id': requestId };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      let answer;
      try {
        answer = JSON.parse(text);
      } catch {
        received.textContent = text;
        finishEntry(entry, false, [
          element('div', 'text-danger', `Error: HTTP ${response.status}, not a JSON answer`),
          ...traceLink(response),
        ]);
        return;
      }
      received.textContent = JSON.stringify(answer, undefined, 4);
      if (answer.error || !response.ok) {
        finishEntry(entry, false, [
          element('div', 'text-danger', `Error: ${answer.message} (HTTP ${response.status})`),
          ...traceLink(response),
        ]);
      } else {
        finishEntry(entry, true, [...describeSuccess(buttonId, answer), ...traceLink(response)]);
      }
    } catch (err) {
      const reason =
        err && err.name === 'TimeoutError'
          ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`
          : String(err.message || err);
      finishEntry(entry, false, [element('div', 'text-danger', `Error: ${reason}`)]);
    }
  }

  for (const buttonId of Object.keys(requests)) {
    document.getElementById(buttonId)?.addEventListener('click', () => {
      void send(buttonId);
    });
  }
})();
