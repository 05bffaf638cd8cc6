// The widget's settings, read once from the <script> tag that embeds it (data-* attributes).

import { readableAccent } from './contrast.js';

// 6.09:1 for white on it and for it on white: passes WCAG AA for normal text both ways.
export const DEFAULT_ACCENT = '#0b6e69';

/** Every string the patient sees; each can be overridden with data-text-<kebab-case-key>. */
export const DEFAULT_TEXTS = {
  launcher: 'Aftercare questions?',
  title: '{clinic_name} aftercare',
  subtitle: 'Automated assistant, not a clinician',
  close: 'Close the chat',
  callClinic: 'Call the clinic',
  emergency: 'Emergency {emergency_number}',
  helpLabel: 'Get help from a person',
  escalationInjector: 'Please call the clinic now.',
  escalationEmergency: 'This may be an emergency: call {emergency_number} now.',
  log: 'Conversation',
  you: 'You',
  assistant: 'Assistant',
  inputLabel: 'Your message',
  placeholder: 'Type your question…',
  send: 'Send',
  quickReplies: 'Suggested answers',
  typing: 'The assistant is typing',
  waiting: 'Waiting to send',
  connecting: 'Connecting…',
  reconnecting: 'Can’t reach the assistant. Trying again… Messages you type will be sent once it is back.',
  offline: 'You are offline. Messages you type will be sent when you are back online.',
  retrying: 'Still trying to send your message…',
  notSent: 'Not sent',
  undeliverable:
    'Your message could not be sent: the assistant is not answering. Please call {clinic_name} on {phone}; in an emergency call {emergency_number}.',
  undeliverableNoPhone:
    'Your message could not be sent: the assistant is not answering. Please call {clinic_name}; in an emergency call {emergency_number}.',
  newMessages: '{count} new',
  footer: 'General guidance from {clinic_name}’s care guide. It cannot diagnose.',
  // The "Your aftercare" panel: the plan for the patient's stage, from the care guide.
  planButton: 'Your aftercare',
  planTitle: 'Your aftercare',
  planLoading: 'Getting your plan…',
  planUnknown: 'To show your plan I need to know when your treatment was: please answer in the chat.',
  planDayZero: 'Day 0, the day of your treatment ({elapsed} ago)',
  planDay: 'Day {day} after your treatment ({elapsed} ago)',
  planFine: 'Fine now',
  planNext: 'Next milestone',
  planWaiting: 'Still to wait for',
  planNormal: 'Normal at this stage',
  planNoLonger: 'No longer expected: if you have any of these, call the clinic',
  planFrom: '{label}: from {when}',
  planUntil: '{label}: until {when}',
  planBack: 'Back to chat',
};

function textKeyFromDataset(key) {
  // dataset turns data-text-call-clinic into textCallClinic.
  return key.startsWith('text') && key.length > 4 ? key[4].toLowerCase() + key.slice(5) : null;
}

/** A valid ISO 8601 timestamp as given, or null (an empty or unparseable value means "not known"). */
export function parseProcedureTime(value) {
  const text = String(value ?? '').trim();
  if (!text || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text) || Number.isNaN(Date.parse(text))) return null;
  return text;
}

/** A whole number above 0 from a data attribute, else null. */
function positiveInteger(value) {
  const number = Number(String(value ?? '').trim());
  return Number.isInteger(number) && number > 0 ? number : null;
}

/** Fills {clinic_name}, {phone}, {emergency_number} and {count} in a UI string. */
export function fill(template, values) {
  return String(template).replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/** Reads the settings from a script element's dataset (a plain object in tests). */
export function readConfig(dataset = {}) {
  const texts = { ...DEFAULT_TEXTS };
  for (const [key, value] of Object.entries(dataset)) {
    const textKey = textKeyFromDataset(key);
    if (textKey && textKey in DEFAULT_TEXTS && String(value).trim()) texts[textKey] = String(value);
  }
  const accent = readableAccent(dataset.accentColor, DEFAULT_ACCENT);
  if (dataset.accentColor && accent.adjusted) {
    console.warn(
      `aftercare-widget: data-accent-color ${dataset.accentColor} is too light for white text (WCAG AA); ` +
        `using ${accent.color} instead.`,
    );
  }
  const serverUrl = String(dataset.serverUrl || 'http://localhost:5005').replace(/\/+$/, '');
  // A patient's private link: the page names the conversation the clinic enrolled them in (an id the server
  // signed), kept apart from any other conversation this browser has on the clinic's site.
  const conversationId = /^[0-9a-f]{32}\.[0-9a-f]{64}$/.test(String(dataset.conversationId || '').trim())
    ? String(dataset.conversationId).trim()
    : null;
  return {
    serverUrl,
    clinicName: String(dataset.clinicName || 'The clinic').trim(),
    phone: String(dataset.phone || '').trim(),
    emergencyNumber: String(dataset.emergencyNumber || '911').trim(),
    procedureTime: parseProcedureTime(dataset.procedureTime),
    // The channel's limit, written into the page by the server that serves it (serve_demo.py); without it the
    // widget sends any length and the channel answers an over-long message with its own clear refusal.
    maxMessageLength: positiveInteger(dataset.maxMessageLength),
    accentColor: accent.color,
    texts,
    conversationId,
    // Set by the page when its private link was tampered with or has expired: the widget says so once.
    linkNotice: String(dataset.linkNotice || '').trim() || null,
    storageKey: conversationId
      ? `aftercare-widget:v1:${serverUrl}:${conversationId.slice(0, 32)}`
      : `aftercare-widget:v1:${serverUrl}`,
  };
}
