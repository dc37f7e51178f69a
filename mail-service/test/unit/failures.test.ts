import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, test } from 'node:test';
import { PEER_ERROR_KINDS, PeerError } from '@suite/proto/errors';
import { closeHttpServer, listen } from '@suite/toolbox';
import type { Mailer } from '../../src/clients/smtp.js';
import { readConfig } from '../../src/config.js';
import { buildMailService } from '../../src/service.js';

describe("the mail-service's answer to a mail server failure", () => {
  test("when the mail server fails with any kind, then the answer is a 502 with the failure's summary only", async () => {
    let failure: PeerError | undefined;
    const mailer: Mailer = {
      send: async () => {
        if (failure) throw failure;
      },
      verify: async () => {
        if (failure) throw failure;
      },
      close() {},
    };
    const service = buildMailService(readConfig({ LOG_LEVEL: 'silent' }), { mailer });
    const server = http.createServer(service.app);
    const url = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
    try {
      for (const kind of PEER_ERROR_KINDS) {
        const summary = `mail server failed as ${kind}`;
        failure = new PeerError('mail server', kind, 'connect ECONNREFUSED 10.0.0.9:25', { summary });
        const res = await fetch(`${url}/send`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ to: 'rcpt@example.com', subject: 's', message: 'm' }),
        });
        assert.deepEqual(
          { status: res.status, body: await res.json() },
          { status: 502, body: { error: true, message: summary } },
          kind,
        );
        const ready = await fetch(`${url}/readyz`);
        assert.deepEqual(
          [ready.status, ((await ready.json()) as { data: unknown }).data],
          [503, { smtp: summary }],
        );
      }
    } finally {
      await closeHttpServer(server, 100);
      await service.close();
    }
  });
});
