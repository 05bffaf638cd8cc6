// A dropped connection: a message typed while offline waits (persisted) and is delivered after reconnecting.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { botSays, launchBrowser, newPage, openWidget, say, storedState, turnEnds, widget } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const outbox = async (page) => (await storedState(page)).queue.map((item) => item.payload);

test('a message typed while offline is kept, shown as waiting, and delivered once back online', { timeout: 60000 }, async () => {
  const { context, page } = await newPage(browser);
  try {
    await openWidget(page);
    await context.setOffline(true);
    await page.locator('aftercare-widget .status:not([hidden])').waitFor({ timeout: 10000 });
    assert.match(await widget.status(page).textContent(), /offline|reach/i);

    const shown = await widget.botBubbles(page).count();
    await say(page, 'can I wear make-up?');
    const message = page.locator('aftercare-widget .message.user').last();
    assert.match(await message.textContent(), /Waiting to send/);
    assert.deepEqual(await outbox(page), ['can I wear make-up?'], 'the waiting message is in localStorage');
    await page.waitForTimeout(1500);
    assert.equal(await widget.botBubbles(page).count(), shown, 'nothing arrives while offline');

    await context.setOffline(false);
    await botSays(page, /^Not yet/, { after: shown, timeout: 30000 });
    await turnEnds(page);
    assert.doesNotMatch(await message.textContent(), /Waiting to send/);
    assert.deepEqual(await outbox(page), []);
    await widget.status(page).waitFor({ state: 'hidden' });
  } finally {
    await context.close();
  }
});
