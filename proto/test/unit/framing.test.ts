import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { lineBudget, lineWriter, readLines } from '../../src/framing.js';

/** A stream that records each write it is asked to make: one entry per system call a socket would make. */
function recordingStream(highWaterMark = 16 * 1024) {
  const writes: string[][] = [];
  const stream = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, done) {
      writes.push([chunk.toString()]);
      done();
    },
    writev(chunks, done) {
      writes.push(chunks.map(({ chunk }) => (chunk as Buffer).toString()));
      done();
    },
  });
  return { stream, writes };
}

describe('lineWriter', () => {
  test('when lines are written in one turn of the event loop, then they leave in one write, in order', async () => {
    const { stream, writes } = recordingStream();
    const write = lineWriter(stream);
    write('{"id":1}');
    write('{"id":2}');
    write('{"id":3}');
    assert.deepEqual(writes, [], 'nothing leaves before the turn ends');
    await nextTurn();
    assert.deepEqual(writes, [['{"id":1}\n', '{"id":2}\n', '{"id":3}\n']]);
  });

  test('when a line is written in a later turn, then it leaves in a write of its own', async () => {
    const { stream, writes } = recordingStream();
    const write = lineWriter(stream);
    write('first');
    await nextTurn();
    write('second');
    await nextTurn();
    assert.deepEqual(writes, [['first\n'], ['second\n']]);
  });

  test('when the buffer passes its high-water mark, then the write answers false, so callers stop', async () => {
    const { stream } = recordingStream(16);
    const write = lineWriter(stream);
    assert.equal(write('short'), true);
    assert.equal(write('a line longer than sixteen bytes'), false);
    await nextTurn();
  });
});

/** Enough of a socket for readLines: it emits `data` and `close`, and pauses and resumes. */
function fakeSocket() {
  const socket = new EventEmitter() as EventEmitter & { destroyed: boolean; pause(): void; resume(): void };
  socket.destroyed = false;
  socket.pause = () => {};
  socket.resume = () => {};
  return socket;
}

describe('readLines with a shared budget', () => {
  test('when unfinished lines of several connections fill the budget, then the one finding no room overflows and a finished or closed one gives its bytes back', () => {
    const budget = lineBudget(100);
    const overflows: string[] = [];
    const lines: string[] = [];
    const reader = (name: string) => {
      const socket = fakeSocket();
      readLines(socket as unknown as Socket, {
        maxLineBytes: 80,
        budget,
        onLine: (line) => lines.push(`${name}:${line}`),
        onOverflow: (reason) => overflows.push(`${name}:${reason}`),
      });
      return socket;
    };
    const a = reader('a');
    const b = reader('b');
    const c = reader('c');

    a.emit('data', Buffer.from('x'.repeat(60)));
    b.emit('data', Buffer.from('y'.repeat(30)));
    assert.equal(budget.used(), 90);
    c.emit('data', Buffer.from('z'.repeat(20)));
    assert.deepEqual(overflows, ['c:budget']);
    assert.equal(budget.used(), 90, 'the refused connection holds nothing');

    a.emit('data', Buffer.from('x\n'));
    assert.deepEqual(lines, [`a:${'x'.repeat(61)}`]);
    assert.equal(budget.used(), 30, 'a finished line gives its bytes back');
    b.emit('close');
    assert.equal(budget.used(), 0, 'a closed connection gives its bytes back');

    a.emit('data', Buffer.from('x'.repeat(81)));
    assert.deepEqual(overflows, ['c:budget', 'a:line'], 'one line is still bounded on its own');
    assert.equal(budget.used(), 0);
  });
});
