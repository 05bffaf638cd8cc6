// The "Your aftercare" panel: day N, what is fine now and the next milestone, from the real servers, by mouse and
// keyboard, read by a screen reader (its roles and names) and at 360 px (screenshot: results/widget-plan-360.png).
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import { botCount, botSays, DEMO_URL, DISCLAIMER, launchBrowser, newPage, openWidget, turnEnds, widget } from './helpers.mjs';

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'results');
const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

const plan = {
  button: (page) => page.getByRole('button', { name: 'Your aftercare' }),
  region: (page) => page.getByRole('region', { name: 'Your aftercare' }),
  day: (page) => page.locator('aftercare-widget .plan-day'),
  log: (page) => page.locator('aftercare-widget .log'),
};

/** The panel's section headings and their items, as the patient reads them. */
function sections(page) {
  return page.locator('aftercare-widget .plan-body').evaluate((body) => {
    const result = {};
    for (const heading of body.querySelectorAll('h4')) {
      result[heading.textContent] = [...heading.nextElementSibling.querySelectorAll('li')].map((li) => li.textContent);
    }
    return result;
  });
}

function focusedInShadow(page) {
  return page.evaluate(() => {
    const active = document.querySelector('aftercare-widget').shadowRoot.activeElement;
    return active ? `${active.localName}.${active.className}` : null;
  });
}

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('the panel shows day 0, what is fine now and the next milestone, and adds nothing to the chat', { timeout: 60000 }, async () => {
  const { context, page } = await newPage(browser);
  try {
    await openWidget(page); // the demo page's procedure time: 3 hours ago
    const before = await page.locator('aftercare-widget .message').count();
    const shownBefore = await botCount(page);
    assert.equal(await plan.button(page).getAttribute('aria-expanded'), 'false');
    await plan.button(page).click();
    await plan.region(page).waitFor({ state: 'visible' });
    assert.equal(await plan.button(page).getAttribute('aria-expanded'), 'true');
    assert.equal(await focusedInShadow(page), 'h3.plan-title', 'focus moves to the panel heading');
    await plan.day(page).waitFor();
    assert.match(await plan.day(page).textContent(), /^Day 0, the day of your treatment \(about 3 hours ago\)$/);
    const shown = await sections(page);
    assert.ok(shown['Fine now'].includes('a gentle walk'));
    assert.ok(!shown['Fine now'].includes('make-up'));
    assert.match(shown['Next milestone'][0], /\(24 hours after your treatment\): sunscreen; make-up$/);
    // 24 hours after the treatment is 21 hours from now: later today before 3 am on the patient's clock, else tomorrow.
    assert.ok(shown['Still to wait for'].some((item) => /^make-up: from around .* (today|tomorrow)$/.test(item)));
    assert.ok(shown['Normal at this stage'].some((item) => item.startsWith('redness: until around')));
    assert.ok(await plan.log(page).isHidden(), 'the panel takes the conversation’s place');
    await turnEnds(page);
    assert.equal(await page.locator('aftercare-widget .message').count(), before, 'no message in the chat');
    assert.equal(await botCount(page), shownBefore);

    await page.getByRole('button', { name: 'Back to chat' }).click();
    assert.ok(await plan.region(page).isHidden());
    assert.ok(await plan.log(page).isVisible());
    assert.equal(await focusedInShadow(page), 'button.plan-button', 'focus returns to the button');
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test('from the keyboard: Enter opens the panel, Escape closes it and leaves the chat open', { timeout: 60000 }, async () => {
  const { context, page } = await newPage(browser);
  try {
    await openWidget(page);
    await plan.button(page).focus();
    await page.keyboard.press('Enter');
    await plan.day(page).waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await focusedInShadow(page), 'button.plan-back', 'the panel is reachable by Tab');
    await page.keyboard.press('Escape');
    assert.ok(await plan.region(page).isHidden());
    assert.ok(await widget.panel(page).isVisible(), 'Escape closes the plan first, not the chat');
    assert.equal(await focusedInShadow(page), 'button.plan-button');
    await page.keyboard.press('Escape');
    assert.ok(await widget.panel(page).isHidden());
  } finally {
    await context.close();
  }
});

test('without a procedure time the panel says to answer in the chat, and the answer fills it', { timeout: 60000 }, async () => {
  const { context, page } = await newPage(browser);
  try {
    await page.goto(`${DEMO_URL}/?procedure_time=`);
    await widget.launcher(page).click();
    await botSays(page, DISCLAIMER);
    await turnEnds(page);
    await plan.button(page).click();
    await page.locator('aftercare-widget .plan-note', { hasText: 'when your treatment was' }).waitFor();
    await turnEnds(page);
    await page.getByRole('button', { name: 'Back to chat' }).click();
    await botSays(page, /when did you have your microneedling treatment/);
    const shown = await botCount(page);
    await widget.quickReplies(page).filter({ hasText: 'Yesterday' }).click();
    await botSays(page, /^Here's your aftercare plan for day 1 after your treatment/, { after: shown });
    await turnEnds(page);
    await plan.button(page).click();
    await plan.day(page).waitFor();
    assert.match(await plan.day(page).textContent(), /^Day 1 after your treatment/);
    assert.ok((await sections(page))['Fine now'].includes('make-up'));
  } finally {
    await context.close();
  }
});

test('at 360 px the panel fits, its controls are 44 px touch targets; screenshot to results/widget-plan-360.png', { timeout: 60000 }, async () => {
  const { context, page } = await newPage(browser, PHONE);
  try {
    await openWidget(page);
    await plan.button(page).click();
    await plan.day(page).waitFor();
    const overflow = await page.evaluate(() => {
      const root = document.querySelector('aftercare-widget').shadowRoot;
      return [...root.querySelectorAll('.panel *')].filter((el) => el.getBoundingClientRect().right > 360.5).map((el) => el.className);
    });
    assert.deepEqual(overflow, [], 'nothing sticks out to the right');
    for (const control of [plan.button(page), page.getByRole('button', { name: 'Back to chat' }), page.locator('aftercare-widget .close')]) {
      const size = await control.boundingBox();
      assert.ok(size.height >= 44 && size.width >= 44, 'touch targets of at least 44 px');
    }
    await mkdir(RESULTS, { recursive: true });
    await page.screenshot({ path: join(RESULTS, 'widget-plan-360.png') });
  } finally {
    await context.close();
  }
});
