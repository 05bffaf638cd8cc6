// A phone 360 px wide: the window takes the whole screen; animations off when the patient asks for less motion.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import { ask, launchBrowser, newPage, openWidget, widget } from './helpers.mjs';

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'results');
const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('at 360 px the chat is full width and readable; a screenshot goes to results/widget-360.png', { timeout: 60000 }, async () => {
  const { context, page } = await newPage(browser, PHONE);
  try {
    await openWidget(page);
    await ask(page, 'can I wear make-up?');
    const box = await widget.panel(page).boundingBox();
    assert.deepEqual([box.x, box.width], [0, 360]);
    assert.equal(box.height, 740);
    const overflow = await page.evaluate(() => {
      const root = document.querySelector('aftercare-widget').shadowRoot;
      return [...root.querySelectorAll('.panel *')].filter((el) => el.getBoundingClientRect().right > 360.5).map((el) => el.className);
    });
    assert.deepEqual(overflow, [], 'nothing sticks out to the right');
    for (const control of [widget.callClinic(page), widget.callEmergency(page), page.locator('aftercare-widget .send'), page.locator('aftercare-widget .close')]) {
      const size = await control.boundingBox();
      assert.ok(size.height >= 44 && size.width >= 44, 'touch targets of at least 44 px');
    }
    // The newest message scrolls into view (smoothly, so give it a moment to arrive).
    await page.waitForFunction(() => {
      const log = document.querySelector('aftercare-widget').shadowRoot.querySelector('.log');
      return log.scrollTop + log.clientHeight >= log.scrollHeight - 2;
    });
    await mkdir(RESULTS, { recursive: true });
    await page.screenshot({ path: join(RESULTS, 'widget-360.png') });
  } finally {
    await context.close();
  }
});

test('with prefers-reduced-motion the widget does not animate', { timeout: 30000 }, async () => {
  const { context, page } = await newPage(browser, { ...PHONE, reducedMotion: 'reduce' });
  try {
    await openWidget(page);
    const animations = await page.evaluate(() => {
      const root = document.querySelector('aftercare-widget').shadowRoot;
      return ['.panel', '.message', '.typing span'].map((selector) => getComputedStyle(root.querySelector(selector)).animationName);
    });
    assert.deepEqual(animations, ['none', 'none', 'none']);
  } finally {
    await context.close();
  }
});
