// How the widget reads what the assistant sends over Rasa's socketio channel.

// The levels the action server sends (aftercare/escalation.py); it sends the conversation's level, never lowered,
// so the widget needs no order of its own.
export const ESCALATION_LEVELS = ['injector', 'emergency'];

/**
 * What a bot_uttered payload means for the widget. The escalation signal is the action server's custom json
 * {escalation, phone}; depending on how the socketio channel forwards custom json it arrives at the top level
 * or under `custom` or `data`. Buttons arrive as `quick_replies` (Rasa's socketio channel) or `buttons`.
 */
export function readBotPayload(payload) {
  const candidates = [payload, payload?.custom, payload?.data].filter((part) => part && typeof part === 'object');
  const signal = candidates.find((part) => ESCALATION_LEVELS.includes(part.escalation));
  if (signal) {
    return { escalation: signal.escalation, phone: typeof signal.phone === 'string' ? signal.phone : null };
  }
  const offered = [payload?.quick_replies, payload?.buttons].find((list) => Array.isArray(list) && list.length) || [];
  const replies = offered
    .filter((reply) => reply && typeof reply.title === 'string' && typeof reply.payload === 'string')
    .map((reply) => ({ title: reply.title, payload: reply.payload }));
  const text = typeof payload?.text === 'string' ? payload.text : '';
  // A reply a person from the clinic wrote in the staff console (channels/staff_replies.py): shown with their name.
  if (typeof payload?.from_staff === 'string' && payload.from_staff) {
    return { text, replies: [], staff: { name: payload.from_staff, clinic: typeof payload.clinic === 'string' ? payload.clinic : '' } };
  }
  return { text, replies };
}
