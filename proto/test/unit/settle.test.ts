import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Message } from 'amqplib';
import { settleChannel } from '../../src/events/consumer.js';

const delivery = (deliveryTag: number) => ({ fields: { deliveryTag } }) as Message;

/** A channel that records every ack and nack frame it is asked to send. */
function recordingChannel() {
  const frames: string[] = [];
  const channel = {
    ack: (message: Message, allUpTo?: boolean) =>
      frames.push(`ack ${message.fields.deliveryTag}${allUpTo ? ' multiple' : ''}`),
    nack: (message: Message, allUpTo?: boolean, requeue?: boolean) =>
      frames.push(
        `nack ${message.fields.deliveryTag}${allUpTo ? ' multiple' : ''}${requeue ? ' requeue' : ''}`,
      ),
    publish: () => true,
  };
  return { frames, settle: settleChannel(channel as never) };
}

describe('coalesced acknowledgements', () => {
  test('when many deliveries are acked in one turn, then one multiple ack covers them all', async () => {
    const { frames, settle } = recordingChannel();
    for (let tag = 1; tag <= 100; tag++) settle.delivered(delivery(tag));
    for (let tag = 1; tag <= 100; tag++) settle.ack(delivery(tag));
    assert.deepEqual(frames, [], 'nothing is sent before the turn ends');
    await nextTurn();
    assert.deepEqual(frames, ['ack 100 multiple']);
  });

  test('when later tags are acked but an earlier one is not, then nothing past the earlier one is acked', async () => {
    const { frames, settle } = recordingChannel();
    for (let tag = 1; tag <= 5; tag++) settle.delivered(delivery(tag));
    for (const tag of [1, 2, 4, 5]) settle.ack(delivery(tag));
    await nextTurn();
    assert.deepEqual(frames, ['ack 2 multiple'], 'tag 3 is not stored, so 3, 4 and 5 stay unacked');

    settle.ack(delivery(3));
    await nextTurn();
    assert.deepEqual(frames, ['ack 2 multiple', 'ack 5 multiple']);
  });

  test('when a delivery is nacked between acked ones, then the nack goes out at once and the acks around it still go out', async () => {
    const { frames, settle } = recordingChannel();
    for (let tag = 1; tag <= 4; tag++) settle.delivered(delivery(tag));
    settle.nack(delivery(2), true);
    assert.deepEqual(frames, ['nack 2 requeue']);
    for (const tag of [1, 3, 4]) settle.ack(delivery(tag));
    await nextTurn();
    assert.deepEqual(frames, ['nack 2 requeue', 'ack 4 multiple']);
  });

  test('when the last deliveries are nacked, then the ack stops at the last acked tag', async () => {
    const { frames, settle } = recordingChannel();
    for (let tag = 1; tag <= 3; tag++) settle.delivered(delivery(tag));
    settle.ack(delivery(1));
    settle.nack(delivery(2), true);
    settle.nack(delivery(3), true);
    await nextTurn();
    assert.deepEqual(frames, ['nack 2 requeue', 'nack 3 requeue', 'ack 1 multiple']);
  });

  test('when flushed at shutdown, then the acks are sent without waiting for the turn', () => {
    const { frames, settle } = recordingChannel();
    settle.delivered(delivery(1));
    settle.ack(delivery(1));
    settle.flush();
    assert.deepEqual(frames, ['ack 1 multiple']);
  });
});
