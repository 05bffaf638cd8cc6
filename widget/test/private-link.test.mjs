// A patient's private link, end to end against the real servers scripts/serve.sh runs: a booking system enrols the
// patient through the staff console's POST /enrolments, and the link it answers with (the link the patient's email
// carries) opens the demo page with the widget in that patient's conversation and the treatment time known. A
// tampered or expired link opens an ordinary conversation (the one this browser already had, if any), and the widget
// says why it does not know the treatment time.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { ask, botSays, DEMO_URL, launchBrowser, newPage, openWidget, storedState, turnEnds, widget } from './helpers.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CONSOLE_URL = (process.env.CONSOLE_URL || 'http://localhost:8090').replace(/\/+$/, '');
const ENROLMENT_TOKEN = process.env.ENROLMENT_TOKEN || '';
const SIGNED_ID = /^[0-9a-f]{32}\.[0-9a-f]{64}$/;
const LINK_NOT_VALID = /^This link has expired or is not valid, so I don't know when you were treated\./;
const ASKS_WHEN_TREATED = /When did you have/i;

let browser;
before(async () => {
  assert.ok(ENROLMENT_TOKEN, 'set ENROLMENT_TOKEN for the console and this test (`make test-widget` does)');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Enrols a patient treated 3 hours ago, as a booking system would, and returns the console's answer. */
async function enrolPatient() {
  const treated = new Date(Date.now() - 3 * 3600 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  const answer = await fetch(`${CONSOLE_URL}/enrolments`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${ENROLMENT_TOKEN}`,
      'Idempotency-Key': `widget-test-${randomBytes(8).toString('hex')}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({
      first_name: 'Anna',
      email: 'anna@example.com',
      procedure_time: treated,
      timezone: 'America/New_York',
      consent: true,
    }),
  });
  assert.equal(answer.status, 201, await answer.clone().text());
  return answer.json();
}

/** The same link with one character of its token changed, as a copy-paste slip or a forger would. */
function tampered(link) {
  const url = new URL(link);
  const token = url.searchParams.get('aftercare');
  const last = token.at(-1) === 'A' ? 'B' : 'A';
  url.searchParams.set('aftercare', `${token.slice(0, -1)}${last}`);
  return url.href;
}

/** The same link signed as the console signs it, but expired a minute ago (the servers' secret, from the same
 * environment: SESSION_SECRET or the file beside TRACKER_STORE_URL's database). */
function expired(link, enrolmentId) {
  const script = [
    'import os, sys',
    'from datetime import datetime, timedelta, timezone',
    'from pathlib import Path',
    'from aftercare.enrolment_links import link_token',
    'from aftercare.session_ids import load_secret, secret_file_for',
    'from storage.database import database_url',
    'secret = load_secret(os.environ, secret_file_for(database_url(os.environ), Path.cwd()))',
    'print(link_token(sys.argv[1], datetime.now(timezone.utc) - timedelta(minutes=1), secret))',
  ].join('\n');
  const signed = spawnSync(join(ROOT, '.venv', 'bin', 'python'), ['-c', script, enrolmentId], {
    cwd: ROOT,
    env: { ...process.env, PYTHONPATH: ROOT },
    encoding: 'utf8',
  });
  assert.equal(signed.status, 0, signed.stderr);
  const url = new URL(link);
  url.searchParams.set('aftercare', signed.stdout.trim());
  return url.href;
}

/** Opens `link` (a full URL to the demo page) the way openWidget opens the demo page. */
function openLink(page, link) {
  assert.ok(link.startsWith(`${DEMO_URL}/`), `the link leads to the demo page: ${link}`);
  return openWidget(page, link.slice(DEMO_URL.length + 1));
}

test('the private link opens the widget in the enrolled conversation, with the treatment time known', { timeout: 60000 }, async () => {
  const enrolment = await enrolPatient();
  assert.match(enrolment.conversation_id, SIGNED_ID);
  const { context, page } = await newPage(browser);
  try {
    await openLink(page, enrolment.link);
    assert.match(await page.locator('.booking').textContent(), /^Your treatment: /, 'the page knows the treatment time');
    assert.equal((await storedState(page)).sessionId, enrolment.conversation_id, 'the enrolled conversation');

    const replies = (await ask(page, 'All good')).join('\n');
    assert.match(replies, /Good to hear, that's how it should be going\./);
    assert.match(replies, /Next milestone: .*\(24 hours after your treatment\)/, 'it knows when the treatment was');
    assert.doesNotMatch(replies, ASKS_WHEN_TREATED);
    assert.equal((await storedState(page)).sessionId, enrolment.conversation_id, 'the server kept the conversation');
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

/** Opens the spoiled link of a new enrolment in a fresh browser: an ordinary conversation, and the notice. */
async function opensOrdinaryConversation(spoil) {
  const enrolment = await enrolPatient();
  const { context, page } = await newPage(browser);
  try {
    await openLink(page, spoil(enrolment.link, enrolment.id));
    await botSays(page, LINK_NOT_VALID);
    assert.match(await page.locator('.booking').textContent(), /We don't have your treatment time/);
    const { sessionId } = await storedState(page);
    assert.match(sessionId, SIGNED_ID, 'a conversation the server issued');
    assert.notEqual(sessionId, enrolment.conversation_id, 'not the enrolled patient’s conversation');

    const replies = (await ask(page, 'can I wear make-up?')).join('\n');
    assert.match(replies, ASKS_WHEN_TREATED, 'without the link the assistant asks when the treatment was');
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
}

test('a tampered link opens an ordinary conversation and the widget says the link is not valid', { timeout: 60000 }, () =>
  opensOrdinaryConversation(tampered),
);

test('an expired link opens an ordinary conversation and the widget says the link is not valid', { timeout: 60000 }, () =>
  opensOrdinaryConversation(expired),
);

test('a patient who chatted on the clinic page before opens a tampered link: told so, in their ordinary conversation', { timeout: 60000 }, async () => {
  const enrolment = await enrolPatient();
  const { context, page: earlier } = await newPage(browser);
  try {
    await openWidget(earlier);
    await ask(earlier, 'can I wear make-up?');
    const { sessionId: ordinary } = await storedState(earlier);
    await earlier.close();

    // The email's link opens in a new tab of the same browser.
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await openLink(page, tampered(enrolment.link));
    await botSays(page, LINK_NOT_VALID);
    assert.equal((await storedState(page)).sessionId, ordinary, 'the conversation this browser already had');
    assert.notEqual(ordinary, enrolment.conversation_id);

    await page.reload();
    await widget.panel(page).waitFor({ state: 'visible' });
    await turnEnds(page);
    const notices = await widget.botBubbles(page).filter({ hasText: LINK_NOT_VALID }).count();
    assert.equal(notices, 1, 'a reload does not repeat the notice');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
