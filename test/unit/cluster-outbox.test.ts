import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ClusterOutbox, unbatch, type ClusterMessage } from '../../src/core/primary-link.ts';

const message = (kind: string, id?: number): ClusterMessage => ({ channel: 'switchyard', kind, ...(id !== undefined && { id }), payload: { kind } });

describe('ClusterOutbox: the IPC messages of one turn go as one', () => {
  it('sends what one turn queued once, at the end of the turn, in order; unbatch gives the messages back', async () => {
    const sent: ClusterMessage[] = [];
    const outbox = new ClusterOutbox((batch, done) => {
      sent.push(batch);
      done(null);
    });
    outbox.push(message('rates.check', 1));
    await Promise.resolve(); // a request's next step in the same turn
    outbox.push(message('usage.record'));
    outbox.push(message('counters.admit', 2));
    assert.equal(sent.length, 0, 'nothing is sent before the turn ends');
    await nextTurn();
    assert.equal(sent.length, 1);
    assert.deepEqual(unbatch(sent[0]!).map((each) => each.kind), ['rates.check', 'usage.record', 'counters.admit']);
    assert.deepEqual(unbatch(sent[0]!)[2], message('counters.admit', 2));
  });

  it('sends a turn\'s only message as itself, and each turn\'s messages apart', async () => {
    const sent: ClusterMessage[] = [];
    const outbox = new ClusterOutbox((batch, done) => {
      sent.push(batch);
      done(null);
    });
    outbox.push(message('counters.settle'));
    await nextTurn();
    outbox.push(message('usage.record'));
    outbox.push(message('rates.addTokens'));
    await nextTurn();
    assert.deepEqual(sent[0], message('counters.settle'));
    assert.deepEqual(unbatch(sent[0]!), [message('counters.settle')]);
    assert.deepEqual(unbatch(sent[1]!).map((each) => each.kind), ['usage.record', 'rates.addTokens']);
    assert.equal(sent.length, 2);
  });

  it('hands the messages of a send that failed to `undelivered`, in order', async () => {
    const lost: string[] = [];
    const outbox = new ClusterOutbox(
      (_batch, done) => done(new Error('write EPIPE')),
      (messages, error) => lost.push(...messages.map((each) => `${each.kind}: ${error.message}`)),
    );
    outbox.push(message('usage.record'));
    outbox.push(message('counters.admit', 7));
    await nextTurn();
    assert.deepEqual(lost, ['usage.record: write EPIPE', 'counters.admit: write EPIPE']);
  });

  it('unbatch drops what is not a cluster message inside a batch', () => {
    const batch = { channel: 'switchyard', kind: 'batch', payload: [message('usage.record'), { channel: 'other', kind: 'x' }, 'junk'] } as ClusterMessage;
    assert.deepEqual(unbatch(batch), [message('usage.record')]);
  });
});
