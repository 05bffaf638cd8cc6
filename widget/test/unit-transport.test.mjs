// The outbox's rules without a server: a refused message is never sent again, and a message the server never
// acknowledges is given up after MAX_UNACKNOWLEDGED_SENDS sends while connected (lost connections don't count).
import assert from 'node:assert/strict';
import { beforeEach, mock, test } from 'node:test';

import { Store } from '../src/storage.js';
import { ChatConnection, MAX_UNACKNOWLEDGED_SENDS } from '../src/transport.js';

/** Stands in for socket.io-client's socket: records what is sent and lets a test play the server. */
class FakeSocket {
  constructor() {
    this.handlers = {};
    this.sent = [];
    this.io = { on() {}, engine: null };
  }

  on(event, handler) {
    this.handlers[event] = handler;
    return this;
  }

  connect() {
    return this;
  }

  emit(event, data) {
    this.sent.push({ event, data });
  }

  timeout() {
    return { emit: (event, data, acknowledge) => this.sent.push({ event, data, acknowledge }) };
  }

  serverSays(event, ...args) {
    this.handlers[event](...args);
  }

  messages() {
    return this.sent.filter((packet) => packet.event === 'user_uttered');
  }
}

function memoryStorage() {
  const items = new Map();
  return { getItem: (key) => items.get(key) ?? null, setItem: (key, value) => items.set(key, value) };
}

let socket;
let events;
let connection;

beforeEach(() => {
  mock.timers.reset();
  mock.timers.enable({ apis: ['setTimeout'] });
  socket = new FakeSocket();
  events = [];
  connection = new ChatConnection({
    serverUrl: 'http://localhost:5005',
    store: new Store('test', memoryStorage()),
    onBotMessage: (payload) => events.push(['bot', payload.text]),
    onStatus: () => {},
    onDelivered: (item) => events.push(['delivered', item.id]),
    onRefused: (item, reason) => events.push(['refused', item.id, reason]),
    onUndeliverable: (item) => events.push(['undeliverable', item.id]),
    onBusy: () => {},
    connect: () => socket,
  });
  connection.start();
  socket.serverSays('connect');
  socket.serverSays('session_confirm', 'server-issued-id');
});

test('a refused message leaves the outbox and is never sent again', () => {
  connection.send({ id: 'm1', payload: '\u200b' });
  const [sent] = socket.messages();
  socket.serverSays('bot_uttered', { text: "I didn't get a message" });
  sent.acknowledge(null, { status: 'refused', reason: 'empty' });
  mock.timers.tick(120000);
  assert.equal(socket.messages().length, 1);
  assert.deepEqual(connection.store.state.queue, []);
  assert.deepEqual(events.at(-1), ['refused', 'm1', 'empty']);
});

test('an answered message is delivered once', () => {
  connection.send({ id: 'm1', payload: 'hi' });
  socket.messages()[0].acknowledge(null, { status: 'answered' });
  assert.deepEqual(events, [['delivered', 'm1']]);
  assert.deepEqual(connection.store.state.queue, []);
});

test(`a message never acknowledged while connected is given up after ${MAX_UNACKNOWLEDGED_SENDS} sends`, () => {
  connection.send({ id: 'm1', payload: 'hi' });
  connection.send({ id: 'm2', payload: 'is redness normal?' });
  for (let send = 1; send <= MAX_UNACKNOWLEDGED_SENDS; send += 1) {
    assert.equal(socket.messages().length, send);
    socket.messages().at(-1).acknowledge(new Error('operation has timed out'));
    mock.timers.tick(30000);
  }
  assert.deepEqual(events[0], ['undeliverable', 'm1']);
  assert.deepEqual(connection.store.state.queue.map((item) => item.id), ['m2'], 'the next message goes on');
  assert.equal(socket.messages().at(-1).data.message, 'is redness normal?');
});

test('a send cut short by a lost connection does not count, and goes again once reconnected', () => {
  connection.send({ id: 'm1', payload: 'hi' });
  for (let lost = 0; lost < MAX_UNACKNOWLEDGED_SENDS + 2; lost += 1) {
    const sent = socket.messages().at(-1);
    socket.serverSays('disconnect', 'transport close');
    sent.acknowledge(new Error('operation has timed out'));
    socket.serverSays('connect');
    socket.serverSays('session_confirm', 'server-issued-id');
  }
  assert.equal(socket.messages().length, MAX_UNACKNOWLEDGED_SENDS + 3);
  assert.deepEqual(events, []);
  assert.equal(connection.store.state.queue[0].attempts, 0);
});
