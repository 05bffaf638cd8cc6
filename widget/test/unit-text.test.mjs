// Unit tests of the widget's pure parts: links and phone numbers, bot payloads, settings, colour contrast.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { DEFAULT_ACCENT, fill, parseProcedureTime, readConfig } from '../src/config.js';
import { contrastRatio, parseHexColor, readableAccent } from '../src/contrast.js';
import { linkify, telHref } from '../src/linkify.js';
import { readBotPayload } from '../src/messages.js';

const CLINIC_PHONE = '+1 555 010 2030';
const links = (text) => linkify(text, [CLINIC_PHONE, '911']).filter((piece) => piece.type !== 'text');

test('the clinic phone and the emergency number in a reply become tel: links with digits and + only', () => {
  const text = `Please call ${CLINIC_PHONE} (Mon-Fri 9am-6pm). In an emergency call 911.`;
  assert.deepEqual(links(text), [
    { type: 'tel', text: CLINIC_PHONE, href: 'tel:+15550102030' },
    { type: 'tel', text: '911', href: 'tel:911' },
  ]);
  assert.equal(linkify(text, [CLINIC_PHONE, '911']).map((piece) => piece.text).join(''), text);
});

test('other phone numbers are linked, dates, times and durations are not', () => {
  assert.deepEqual(links('or (555) 010-2030').map((piece) => piece.href), ['tel:5550102030']);
  assert.deepEqual(links('+44 20 7946 0958').map((piece) => piece.href), ['tel:+442079460958']);
  for (const text of ['wait until 2026-11-30T17:00:00Z', 'about 36 hours', 'Sat 5 Dec 2026 at 3:00 pm', 'SPF 30', '19112']) {
    assert.deepEqual(links(text), [], text);
  }
});

test('only http and https URLs are linked, without trailing punctuation', () => {
  assert.deepEqual(links('See https://glow.example/care?x=1. Thanks'), [
    { type: 'url', text: 'https://glow.example/care?x=1', href: 'https://glow.example/care?x=1' },
  ]);
  assert.deepEqual(links('javascript:alert(1) data:text/html,<b>x</b> ftp://a.example'), []);
});

test('markup stays plain text', () => {
  assert.deepEqual(linkify('<img src=x onerror=alert(1)>'), [{ type: 'text', text: '<img src=x onerror=alert(1)>' }]);
  assert.equal(telHref('call us'), null);
});

test('socketio quick_replies and REST-style buttons both become quick replies', () => {
  const question = { text: 'When was it?', quick_replies: [{ content_type: 'text', title: 'Yesterday', payload: '/inform_procedure_time{"procedure_time":"2026-11-28T17:00:00Z"}' }] };
  assert.deepEqual(readBotPayload(question).replies, [{ title: 'Yesterday', payload: question.quick_replies[0].payload }]);
  assert.deepEqual(readBotPayload({ text: 'x', buttons: [{ title: 'A', payload: '/a' }] }).replies, [{ title: 'A', payload: '/a' }]);
  assert.deepEqual(readBotPayload({ text: 'x', quick_replies: 'not a list' }).replies, []);
});

test('the escalation signal is read at the top level or under custom or data, and is never a bubble', () => {
  for (const payload of [
    { escalation: 'injector', phone: CLINIC_PHONE },
    { custom: { escalation: 'injector', phone: CLINIC_PHONE } },
    { data: { escalation: 'injector', phone: CLINIC_PHONE } },
  ]) {
    assert.deepEqual(readBotPayload(payload), { escalation: 'injector', phone: CLINIC_PHONE });
  }
  assert.equal(readBotPayload({ escalation: 'emergency' }).escalation, 'emergency');
  assert.equal(readBotPayload({ escalation: 'whenever', text: 'hi' }).escalation, undefined);
});

test('a staff reply is read with the staff member and the clinic, never as the assistant', () => {
  const reply = readBotPayload({ text: 'Hello, Jo here.', from_staff: 'Nurse Jo', clinic: 'Glow Skin Clinic' });
  assert.deepEqual(reply, { text: 'Hello, Jo here.', replies: [], staff: { name: 'Nurse Jo', clinic: 'Glow Skin Clinic' } });
  assert.equal(readBotPayload({ text: 'hi', from_staff: '' }).staff, undefined);
  assert.equal(readBotPayload({ text: 'hi', from_staff: { name: 'x' } }).staff, undefined);
});

test('data-text-* overrides the interface strings; the procedure time must be ISO 8601', () => {
  const config = readConfig({ clinicName: 'Glow', textCallClinic: 'Ring us', textUnknownKey: 'x', procedureTime: '' });
  assert.equal(config.texts.callClinic, 'Ring us');
  assert.equal(config.texts.unknownKey, undefined);
  assert.equal(config.procedureTime, null);
  assert.equal(config.emergencyNumber, '911');
  assert.equal(fill(config.texts.emergency, { emergency_number: '112' }), 'Emergency 112');
  assert.equal(parseProcedureTime('2026-11-29T14:00:00Z'), '2026-11-29T14:00:00Z');
  assert.equal(parseProcedureTime('yesterday'), null);
});

test('the message limit comes from the page (data-max-message-length), else the widget sets none', () => {
  assert.equal(readConfig({ maxMessageLength: '1200' }).maxMessageLength, 1200);
  for (const value of [undefined, '', 'lots', '-5', '0', '2.5']) assert.equal(readConfig({ maxMessageLength: value }).maxMessageLength, null);
});

test('the default accent passes WCAG AA (4.5:1) as text on white and under white text', () => {
  const white = [255, 255, 255];
  const accent = parseHexColor(DEFAULT_ACCENT);
  assert.ok(contrastRatio(accent, white) >= 4.5, `accent on white: ${contrastRatio(accent, white).toFixed(2)}`);
  assert.ok(contrastRatio(white, accent) >= 4.5, `white on accent: ${contrastRatio(white, accent).toFixed(2)}`);
  assert.equal(readableAccent(DEFAULT_ACCENT).adjusted, false);
});

test('a too-light clinic colour is darkened until white text on it passes AA', () => {
  const light = readableAccent('#7fd3cf', DEFAULT_ACCENT);
  assert.equal(light.adjusted, true);
  assert.ok(light.ratio >= 4.5);
  assert.equal(readableAccent('not a colour', DEFAULT_ACCENT).color, DEFAULT_ACCENT);
});
