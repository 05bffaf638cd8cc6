// The staff console and the widget together, in two browser pages against the real servers scripts/serve.sh runs:
// a nurse signs in, sees a patient's warning sign appear in the inbox without reloading, answers in the console,
// the patient sees the reply as from the nurse and the clinic, the assistant steps back (but not for an
// emergency), and once the nurse marks the conversation handled the assistant answers again.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { ask, launchBrowser, newPage, openWidget, REPLY_TIMEOUT, storedState } from './helpers.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RESULTS = join(ROOT, 'results');
const CONSOLE_URL = (process.env.CONSOLE_URL || 'http://localhost:8090').replace(/\/+$/, '');
const NURSE = { email: `nurse-${randomBytes(4).toString('hex')}@example.org`, name: 'Nurse Jo', password: randomBytes(12).toString('hex') };
const PERSON_IS_ANSWERING = /Nurse Jo from Glow Skin Clinic is with you in this chat and will answer here/;

let browser;
before(async () => {
  // The account goes into the database the servers use (TRACKER_STORE_URL, exported by scripts/serve.sh).
  const made = spawnSync(join(ROOT, '.venv', 'bin', 'python'), ['-m', 'console.accounts'], {
    cwd: ROOT,
    env: { ...process.env, STAFF_EMAIL: NURSE.email, STAFF_NAME: NURSE.name, STAFF_PASSWORD: NURSE.password },
    encoding: 'utf8',
  });
  assert.equal(made.status, 0, made.stderr);
  mkdirSync(RESULTS, { recursive: true });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

async function signIn(page, password = NURSE.password) {
  await page.goto(`${CONSOLE_URL}/sign-in`);
  await page.getByLabel('Email').fill(NURSE.email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('a nurse sees a new escalation appear, answers in the widget, the assistant steps back, and she marks it handled', { timeout: 120000 }, async () => {
  const staff = await newPage(browser, { viewport: { width: 1200, height: 860 } });
  const patient = await newPage(browser);
  try {
    const console_ = staff.page;
    await signIn(console_);
    await console_.getByRole('heading', { name: 'Conversations that need the clinic' }).waitFor();
    let navigations = 0;
    console_.on('framenavigated', (frame) => {
      if (frame === console_.mainFrame()) navigations += 1;
    });

    await openWidget(patient.page);
    const warning = await ask(patient.page, 'there is yellow crust on my cheek');
    assert.match(warning.join(' '), /warning sign/);
    const { sessionId } = await storedState(patient.page);

    // In the inbox within seconds, without a reload: the console polls for new rows.
    const row = console_.locator(`tr[data-conversation="${sessionId}"]`);
    await row.waitFor({ timeout: 15000 });
    assert.equal(navigations, 0, 'the inbox updated itself');
    assert.match(await row.textContent(), /Warning sign/);
    assert.match(await row.textContent(), /new/);
    assert.match(await row.textContent(), /same day/, 'the demo page says the procedure was 3 hours ago');
    await console_.screenshot({ path: join(RESULTS, 'console-inbox.png') });

    await row.getByRole('link').click();
    await console_.getByText('there is yellow crust on my cheek').waitFor();
    await console_.getByLabel('Reply to patient').fill('Hello, this is Jo from the clinic. Can you send me a photo?');
    await console_.getByRole('button', { name: 'Send reply' }).click();

    // Live in the widget, as from the nurse and the clinic, not the assistant.
    const staffMessage = patient.page.locator('aftercare-widget .message.staff');
    await staffMessage.waitFor({ timeout: REPLY_TIMEOUT });
    assert.equal(await staffMessage.locator('.bubble').textContent(), 'Hello, this is Jo from the clinic. Can you send me a photo?');
    assert.equal(await staffMessage.locator('.sender').textContent(), 'Nurse Jo, Glow Skin Clinic');
    assert.equal(await patient.page.locator('aftercare-widget .message.bot .bubble', { hasText: 'Can you send me a photo' }).count(), 0);
    await patient.page.screenshot({ path: join(RESULTS, 'console-reply-in-widget.png') });

    // The assistant steps back on care questions; the patient's words reach the console as they arrive.
    const meanwhile = await ask(patient.page, 'can I wear make-up?');
    assert.match(meanwhile.join(' '), PERSON_IS_ANSWERING);
    assert.doesNotMatch(meanwhile.join(' '), /Not yet/);
    await console_.locator('.transcript .line.patient', { hasText: 'can I wear make-up?' }).waitFor({ timeout: 10000 });
    await console_.locator('.transcript .line.staff', { hasText: 'Can you send me a photo' }).waitFor();

    // An emergency still gets the emergency reply at once.
    const emergency = await ask(patient.page, "my lips are swelling and I'm wheezing");
    assert.match(emergency[0], /^Call 911 now/);
    await console_.locator('.transcript .line.patient', { hasText: 'wheezing' }).waitFor({ timeout: 10000 });
    await console_.screenshot({ path: join(RESULTS, 'console-conversation.png'), fullPage: true });

    // A reload of the widget keeps the nurse's message as hers.
    await patient.page.reload();
    await staffMessage.first().waitFor();
    assert.equal(await staffMessage.first().locator('.sender').textContent(), 'Nurse Jo, Glow Skin Clinic');

    await console_.getByLabel('Note (optional)').fill('Called her back, booked a check tomorrow');
    await console_.getByRole('button', { name: 'Mark handled' }).click();
    await console_.getByRole('heading', { name: 'Conversations that need the clinic' }).waitFor();
    assert.match(await console_.locator(`tr[data-conversation="${sessionId}"]`).textContent(), /handled/);

    const afterwards = await ask(patient.page, 'can I wear make-up?');
    assert.match(afterwards[0], /^Not yet/, 'the assistant answers care questions again');
    assert.deepEqual(staff.page.errors, []);
    assert.deepEqual(patient.page.errors, []);
  } finally {
    await staff.context.close();
    await patient.context.close();
  }
});

test('the console refuses a wrong password and signs nobody in', { timeout: 30000 }, async () => {
  const { context, page } = await newPage(browser);
  try {
    await signIn(page, 'not-the-password');
    await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();
    await page.goto(`${CONSOLE_URL}/`);
    assert.match(page.url(), /\/sign-in$/);
  } finally {
    await context.close();
  }
});
