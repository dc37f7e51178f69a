import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { lineWriter } from '../../src/framing.js';

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
