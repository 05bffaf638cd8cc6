// What the widget remembers in localStorage: the session id the server confirmed, the transcript, messages not yet delivered and the
// escalation state, so a reload or a visit the next day carries on where the patient left off.

const MAX_MESSAGES = 200;

function emptyState() {
  return { sessionId: null, messages: [], queue: [], escalation: null, escalationPhone: null, greeted: false };
}

/** A random message id; crypto.getRandomValues also works on plain-http pages, unlike randomUUID. */
export function newId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Loads and saves the widget state; falls back to memory when storage is blocked (e.g. some private modes). */
export class Store {
  constructor(key, storage = globalThis.localStorage) {
    this.key = key;
    this.storage = storage;
    this.state = this.load();
  }

  load() {
    try {
      const saved = JSON.parse(this.storage.getItem(this.key) || 'null');
      if (saved && typeof saved === 'object') {
        const state = { ...emptyState(), ...saved };
        state.messages = Array.isArray(state.messages) ? state.messages : [];
        state.queue = Array.isArray(state.queue) ? state.queue : [];
        return state;
      }
    } catch {
      // Unreadable or blocked storage: start afresh in memory.
    }
    return emptyState();
  }

  save() {
    this.state.messages = this.state.messages.slice(-MAX_MESSAGES);
    try {
      this.storage.setItem(this.key, JSON.stringify(this.state));
    } catch {
      // Full or blocked storage: the conversation still works for this page view.
    }
  }
}
