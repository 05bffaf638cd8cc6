// Conversation ids come from the server, signed: the widget keeps the one the server confirms, a reload resumes
// it, and an id the server did not issue (edited in localStorage, or guessed) gets a new conversation.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launchBrowser, newPage, openWidget, storedState, widget } from './helpers.mjs';

const SIGNED_ID = /^[0-9a-f]{32}\.[0-9a-f]{64}$/;

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

async function reloadAndWaitForConfirmation(page, previous) {
  await page.reload();
  await widget.panel(page).waitFor({ state: 'visible' });
  await page.waitForFunction(
    (old) => {
      const key = Object.keys(localStorage).find((name) => name.startsWith('aftercare-widget'));
      const { sessionId } = JSON.parse(localStorage.getItem(key));
      return sessionId && sessionId !== old ? sessionId : null;
    },
    previous,
    { timeout: 15000 },
  );
}

test('the widget keeps the id the server signs; an id it did not issue gets a new conversation', { timeout: 60000 }, async () => {
  const { context, page } = await newPage(browser);
  try {
    await openWidget(page);
    const { sessionId: issued } = await storedState(page);
    assert.match(issued, SIGNED_ID, 'the server issued the id, the widget did not make one up');

    await page.reload();
    await widget.panel(page).waitFor({ state: 'visible' });
    await page.waitForTimeout(1500); // the session_request and its confirmation
    assert.equal((await storedState(page)).sessionId, issued, 'a reload resumes the same conversation');

    const forged = `${issued.slice(0, 33)}${'0'.repeat(64)}`;
    await page.evaluate((id) => {
      const key = Object.keys(localStorage).find((name) => name.startsWith('aftercare-widget'));
      localStorage.setItem(key, JSON.stringify({ ...JSON.parse(localStorage.getItem(key)), sessionId: id }));
    }, forged);
    await reloadAndWaitForConfirmation(page, forged);
    const replaced = (await storedState(page)).sessionId;
    assert.match(replaced, SIGNED_ID);
    assert.notEqual(replaced, issued);
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});
