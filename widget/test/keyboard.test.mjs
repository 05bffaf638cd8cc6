// Keyboard only: open the launcher, type, send with Enter, tab to a quick reply, close with Escape.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { botSays, DEMO_URL, DISCLAIMER, launchBrowser, newPage, turnEnds, widget } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** What has focus: {where: "page" | "widget", role, className, id, text}. */
function focused(page) {
  return page.evaluate(() => {
    const host = document.activeElement;
    const inWidget = host?.localName === 'aftercare-widget';
    const element = inWidget ? host.shadowRoot.activeElement : host;
    return {
      where: inWidget ? 'widget' : 'page',
      tag: element?.localName ?? null,
      className: element?.className ?? '',
      id: element?.id ?? '',
      text: element?.textContent.trim() ?? '',
    };
  });
}

async function tabUntil(page, predicate, { shift = false, limit = 30 } = {}) {
  for (let presses = 0; presses < limit; presses += 1) {
    await page.keyboard.press(shift ? 'Shift+Tab' : 'Tab');
    const now = await focused(page);
    if (predicate(now)) return now;
  }
  throw new Error(`focus never reached the expected element in ${limit} presses`);
}

test('the whole conversation works from the keyboard, with focus where a patient expects it', { timeout: 60000 }, async () => {
  const { context, page } = await newPage(browser);
  try {
    await page.goto(`${DEMO_URL}/?procedure_time=`);
    await tabUntil(page, (now) => now.where === 'widget' && /launcher/.test(now.className));
    assert.equal(await widget.launcher(page).getAttribute('aria-expanded'), 'false');

    await page.keyboard.press('Enter');
    await widget.panel(page).waitFor({ state: 'visible' });
    assert.equal(await widget.launcher(page).getAttribute('aria-expanded'), 'true');
    assert.equal((await focused(page)).id, 'message-input', 'focus moves into the window');
    await botSays(page, DISCLAIMER);
    await turnEnds(page);

    await page.keyboard.type('when can I wear make-up?');
    await page.keyboard.press('Enter');
    await botSays(page, /when did you have your microneedling treatment/);
    await turnEnds(page);
    assert.equal(await widget.input(page).inputValue(), '', 'Enter sent the message');

    // Back from the message field to the quick replies above it.
    const reply = await tabUntil(page, (now) => now.tag === 'button' && now.text === 'Yesterday', { shift: true, limit: 12 });
    assert.equal(reply.where, 'widget');
    const shown = await widget.botBubbles(page).count();
    await page.keyboard.press('Enter');
    await botSays(page, /make-up/, { after: shown });
    assert.equal(await widget.userBubbles(page).last().textContent(), 'Yesterday');
    assert.equal((await focused(page)).id, 'message-input', 'focus goes back to the message field');

    await page.keyboard.press('Escape');
    await widget.panel(page).waitFor({ state: 'hidden' });
    const afterClose = await focused(page);
    assert.equal(afterClose.where, 'widget');
    assert.match(afterClose.className, /launcher/, 'focus returns to the launcher');
    assert.equal(await widget.launcher(page).getAttribute('aria-expanded'), 'false');

    await page.keyboard.press('Enter');
    await widget.panel(page).waitFor({ state: 'visible' });
    assert.equal((await focused(page)).id, 'message-input');
  } finally {
    await context.close();
  }
});

test('every control has an accessible name and new messages are announced politely', { timeout: 30000 }, async () => {
  const { context, page } = await newPage(browser);
  try {
    await page.goto(`${DEMO_URL}/`);
    await widget.launcher(page).click();
    await botSays(page, DISCLAIMER);
    const unnamed = await page.evaluate(() => {
      const root = document.querySelector('aftercare-widget').shadowRoot;
      const name = (element) =>
        element.getAttribute('aria-label') ||
        element.textContent.trim() ||
        (element.id && root.querySelector(`label[for="${element.id}"]`)?.textContent.trim());
      return [...root.querySelectorAll('button, a, textarea, input')].filter((element) => !name(element)).map((e) => e.outerHTML);
    });
    assert.deepEqual(unnamed, []);
    const log = page.locator('aftercare-widget [role="log"]');
    assert.equal(await log.getAttribute('aria-live'), 'polite');
    assert.ok(await log.getAttribute('aria-label'));
    assert.equal(await widget.panel(page).getAttribute('role'), 'dialog');
    assert.ok(await page.locator('aftercare-widget #panel-title').textContent());
  } finally {
    await context.close();
  }
});
