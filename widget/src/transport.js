// The connection to Rasa's socketio channel, with a persisted outbox so that no message is lost offline.
//
// Protocol (channels/socketio.py with session_persistence: true): after connecting, emit
// `session_request {session_id}` with the id the server confirmed last time (null the first time); the server
// answers `session_confirm` with that id if it signed it, else with a new one (a new conversation), and puts the
// socket in that conversation. Messages go out as `user_uttered {message, session_id, metadata}` (the server
// goes by the confirmed id, not this field); replies come as `bot_uttered`.
// The server acknowledges a user_uttered only after the whole turn ran, so the acknowledgement (or a reply)
// is what removes a message from the outbox. The acknowledgement says `{status: "answered"}`, or
// `{status: "refused", reason}` for a message the server answered with a refusal (empty, too long, unreadable):
// that one is never sent again, and the widget marks it as not sent (the server's refusal text says why).

import { io } from 'socket.io-client';

const ACK_TIMEOUT_MS = 45000;
// Sent this many times while connected and never acknowledged: the server is not answering this message, so
// the widget stops and tells the patient to call the clinic. Sends cut short by a lost connection don't count.
export const MAX_UNACKNOWLEDGED_SENDS = 3;
const REPLY_QUIET_MS = 1500; // after the last reply of a turn whose acknowledgement has not come

export class ChatConnection {
  /**
   * @param {object} options
   * @param {string} options.serverUrl the Rasa server, e.g. http://localhost:5005
   * @param {import('./storage.js').Store} options.store holds the session id and the outbox (state.queue)
   * @param {(payload: object) => void} options.onBotMessage
   * @param {(status: string, detail?: object) => void} options.onStatus connecting | online | reconnecting | offline
   * @param {(item: object) => void} options.onDelivered an outbox item reached the server
   * @param {(item: object, reason: string) => void} options.onRefused the server refused an item: not sent again
   * @param {(item: object) => void} options.onUndeliverable an item the server never acknowledged: given up
   * @param {(busy: boolean) => void} options.onBusy whether the assistant is working on a turn
   * @param {number} [options.ackTimeoutMs] how long to wait for an acknowledgement
   * @param {typeof io} [options.connect] makes the socket (a stand-in in unit tests)
   */
  constructor({ serverUrl, store, onBotMessage, onStatus, onDelivered, onRefused, onUndeliverable, onBusy, ackTimeoutMs = ACK_TIMEOUT_MS, connect = io }) {
    this.store = store;
    this.onBotMessage = onBotMessage;
    this.onStatus = onStatus;
    this.onDelivered = onDelivered;
    this.onRefused = onRefused;
    this.onUndeliverable = onUndeliverable;
    this.onBusy = onBusy;
    this.ackTimeoutMs = ackTimeoutMs;
    this.started = false;
    this.ready = false;
    this.inFlight = null;
    this.sending = null; // the current send of inFlight: a late timeout of an earlier send of it is ignored
    this.retryTimer = null;
    this.quietTimer = null;
    this.socket = connect(serverUrl, {
      path: '/socket.io',
      autoConnect: false,
      reconnection: true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 8000,
      randomizationFactor: 0.5,
      timeout: 10000,
    });
    this.socket.on('connect', () => {
      this.socket.emit('session_request', { session_id: this.store.state.sessionId || null });
    });
    this.socket.on('session_confirm', (sessionId) => {
      if (typeof sessionId === 'string' && sessionId && sessionId !== this.store.state.sessionId) {
        this.store.state.sessionId = sessionId;
        this.store.save();
      }
      this.ready = true;
      this.onStatus('online');
      this.flush();
    });
    this.socket.on('bot_uttered', (payload) => this.receive(payload));
    this.socket.on('disconnect', (reason) => {
      this.lost();
      // After a server-side disconnect socket.io does not reconnect by itself.
      if (reason === 'io server disconnect') this.socket.connect();
    });
    this.socket.on('connect_error', () => this.lost());
    this.socket.io.on('reconnect_attempt', (attempt) => this.onStatus(this.offlineStatus(), { attempt }));
    // The browser knows before socket.io's heartbeat does: drop the dead connection when the device goes offline,
    // and try again at once (not at the next backoff step) when it is back.
    globalThis.addEventListener?.('offline', () => {
      if (!this.started) return;
      this.onStatus('offline');
      this.socket.io.engine?.close();
    });
    globalThis.addEventListener?.('online', () => {
      if (this.started && !this.socket.connected) this.socket.disconnect().connect();
    });
  }

  offlineStatus() {
    return globalThis.navigator?.onLine === false ? 'offline' : 'reconnecting';
  }

  /** Opens the connection (once; later calls do nothing). */
  start() {
    if (this.started) return;
    this.started = true;
    this.onStatus(globalThis.navigator?.onLine === false ? 'offline' : 'connecting');
    this.socket.connect();
  }

  lost() {
    this.ready = false;
    this.inFlight = null; // stays first in the outbox, sent again once reconnected
    this.sending = null;
    clearTimeout(this.retryTimer);
    this.setBusy(false);
    this.onStatus(this.offlineStatus());
  }

  /** Adds a message to the persisted outbox and sends it as soon as the connection allows. */
  send(item) {
    this.store.state.queue.push({ attempts: 0, ...item });
    this.store.save();
    this.flush();
  }

  // One message at a time, in order: the next leaves when the previous one is acknowledged or answered.
  flush() {
    if (!this.ready || this.inFlight || !this.store.state.queue.length) return;
    const item = this.store.state.queue[0];
    const sending = {};
    this.inFlight = item;
    this.sending = sending;
    this.setBusy(true);
    const data = { message: item.payload, session_id: this.store.state.sessionId, metadata: item.metadata || {} };
    this.socket.timeout(this.ackTimeoutMs).emit('user_uttered', data, (error, answer) => {
      if (!error) {
        // The turn is over: its replies (if any) have all been sent before this acknowledgement.
        if (answer?.status === 'refused') this.refused(item, String(answer.reason || 'refused'));
        else if (this.inFlight === item) this.delivered(item);
        if (!this.inFlight) this.setBusy(false);
        return;
      }
      // Already counted as delivered by a reply, or cut short by a lost connection (sent again on reconnecting).
      if (this.sending !== sending) return;
      this.inFlight = null;
      this.sending = null;
      this.setBusy(false);
      item.attempts = (item.attempts || 0) + 1;
      if (item.attempts >= MAX_UNACKNOWLEDGED_SENDS) {
        this.remove(item);
        this.onUndeliverable(item);
        if (this.ready) this.onStatus('online');
        this.flush();
        return;
      }
      // No acknowledgement: keep it in the outbox and try again (a duplicate beats a lost message).
      this.store.save();
      this.onStatus('retrying');
      this.retryTimer = setTimeout(() => this.flush(), Math.min(30000, 2000 * 2 ** item.attempts));
    });
  }

  remove(item) {
    this.store.state.queue = this.store.state.queue.filter((queued) => queued.id !== item.id);
    this.store.save();
  }

  delivered(item) {
    this.inFlight = null;
    this.sending = null;
    this.remove(item);
    this.onDelivered(item);
    if (this.ready) this.onStatus('online');
    this.flush();
  }

  /** The server answered `item` with a refusal (its text came as a bot message): never sent again. */
  refused(item, reason) {
    if (this.inFlight === item) {
      this.inFlight = null;
      this.sending = null;
    }
    this.remove(item);
    this.onRefused(item, reason);
    if (this.ready) this.onStatus('online');
    this.flush();
  }

  receive(payload) {
    // A staff reply from the console is not an answer to the patient's message in flight, and nobody is typing.
    if (payload && typeof payload === 'object' && payload.from_staff) {
      this.onBotMessage(payload);
      return;
    }
    if (this.inFlight) this.delivered(this.inFlight);
    this.setBusy(true);
    clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => {
      if (!this.inFlight) this.setBusy(false);
    }, REPLY_QUIET_MS);
    this.onBotMessage(payload && typeof payload === 'object' ? payload : {});
  }

  setBusy(busy) {
    if (!busy) clearTimeout(this.quietTimer);
    this.onBusy(busy);
  }
}
