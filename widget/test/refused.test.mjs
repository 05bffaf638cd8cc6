// Messages the server refuses: the widget shows the server's reason, marks the message as not sent, and never
// sends it again (before the acknowledgement said "refused", such a message was marked as delivered, and one
// the server failed to acknowledge was sent again for ever).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { ask, botSays, launchBrowser, newPage, openWidget, say, storedState, turnEnds, widget } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const refused = [
  // Zero-width characters only: the server's cleaning leaves nothing.
  { name: 'an invisible message', text: '\u200b\u200b', reason: /^I didn't get a message/ },
  // 100 characters in the widget, 1,800 once the server unfolds each ligature (NFKC): over its 1,000 limit.
  { name: 'a message too long once cleaned', text: '\ufdfa'.repeat(100), reason: /^Your message is too long/ },
];

for (const { name, text, reason } of refused) {
  test(`${name} is refused: the reason is shown, the message marked "Not sent" and not sent again`, { timeout: 60000 }, async () => {
    const { context, page } = await newPage(browser);
    try {
      await openWidget(page);
      const shown = await widget.botBubbles(page).count();
      await say(page, text);
      await botSays(page, reason, { after: shown });
      await turnEnds(page);
      const message = page.locator('aftercare-widget .message.user').last();
      await page.locator('aftercare-widget .message.user.not-sent').waitFor({ timeout: 5000 });
      assert.match(await message.locator('.meta').textContent(), /Not sent/);
      assert.doesNotMatch(await message.textContent(), /Waiting to send/);
      assert.deepEqual((await storedState(page)).queue, []);

      await page.reload();
      await widget.panel(page).waitFor({ state: 'visible' });
      await page.waitForTimeout(2000);
      assert.match(await page.locator('aftercare-widget .message.user').last().textContent(), /Not sent/);
      const replies = (await widget.botBubbles(page).allTextContents()).slice(shown);
      assert.equal(replies.filter((reply) => reason.test(reply)).length, 1, 'sent once, not again after the reload');

      // The way to a person still works, and so does the conversation.
      assert.match(await widget.callClinic(page).getAttribute('href'), /^tel:\+?\d+$/);
      assert.equal(await widget.callEmergency(page).getAttribute('href'), 'tel:911');
      assert.ok((await widget.callClinic(page).isVisible()) && (await widget.callEmergency(page).isVisible()));
      assert.match((await ask(page, 'can I wear make-up?'))[0], /^Not yet/);
      assert.deepEqual(page.errors, []);
    } finally {
      await context.close();
    }
  });
}
