// A patient's conversations through the widget, against the real Rasa and action servers.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { ask, botSays, launchBrowser, newPage, openWidget, storedState, transcript, turnEnds, widget } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('the widget opens with the disclaimer and answers make-up 3 hours after treatment with "Not yet"', { timeout: 60000 }, async () => {
  const { context, page } = await newPage(browser);
  try {
    await openWidget(page);
    const replies = await ask(page, 'can I wear make-up?');
    assert.match(replies[0], /^Not yet/);
    assert.match(replies.join(' '), /about 3 hours/, "the page's procedure time reached the assistant");
    assert.equal(await widget.quickReplies(page).count(), 0, 'the time was known: no time question');
    const lastUser = page.locator('aftercare-widget .message.user').last();
    assert.equal(await lastUser.locator('.bubble').textContent(), 'can I wear make-up?');
    assert.match(await lastUser.locator('time').getAttribute('datetime'), /^\d{4}-\d{2}-\d{2}T/);
    assert.doesNotMatch(await lastUser.textContent(), /Waiting to send/);
    assert.equal(
      await page.locator('aftercare-widget .message.bot time').count(),
      await widget.botBubbles(page).count(),
      'every message has a timestamp',
    );
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test('without a procedure time, a quick reply answers the time question; a reload keeps the conversation', { timeout: 60000 }, async () => {
  const { context, page } = await newPage(browser);
  try {
    await openWidget(page, '?procedure_time=');
    const question = await ask(page, 'can I wear make-up?');
    assert.match(question.join(' '), /when did you have your microneedling treatment/);
    const offered = await widget.quickReplies(page).allTextContents();
    assert.ok(offered.includes('Yesterday') && offered.length >= 2, offered.join(', '));
    await page.reload(); // still unanswered after a reload: the quick replies are still there
    assert.deepEqual(await widget.quickReplies(page).allTextContents(), offered);
    const yesterday = widget.quickReplies(page).filter({ hasText: /^Yesterday$/ });

    const shown = await widget.botBubbles(page).count();
    await yesterday.click();
    const answer = await botSays(page, /make-up/, { after: shown });
    await turnEnds(page);
    assert.doesNotMatch(answer, /when did you have/);
    assert.equal(await widget.userBubbles(page).last().textContent(), 'Yesterday', 'the title, not the payload');
    assert.equal(await widget.quickReplies(page).count(), 0, 'used quick replies go away');

    const history = await transcript(page);
    const { sessionId } = await storedState(page);
    await page.reload();
    await widget.panel(page).waitFor({ state: 'visible' }); // it was open, so it opens again
    assert.deepEqual(await transcript(page), history);
    // The same conversation goes on: the assistant still knows the treatment was yesterday.
    const replies = await ask(page, 'can I wear make-up?');
    assert.match(replies.join(' '), /Yes, you can wear make-up/);
    assert.equal(await widget.quickReplies(page).count(), 0, 'no second time question');
    assert.equal((await storedState(page)).sessionId, sessionId);
  } finally {
    await context.close();
  }
});

test('markup in a message is shown as text and never run', { timeout: 60000 }, async () => {
  const { context, page } = await newPage(browser);
  const attack = '<img src=x onerror=alert(1)>';
  try {
    await openWidget(page);
    const replies = await ask(page, attack);
    assert.ok(replies.length > 0, 'the message went through the server and back');
    assert.equal(await widget.userBubbles(page).last().textContent(), attack);
    const images = () =>
      page.evaluate(() => ({
        page: document.querySelectorAll('img').length,
        widget: document.querySelector('aftercare-widget').shadowRoot.querySelectorAll('img').length,
      }));
    assert.deepEqual(await images(), { page: 0, widget: 0 });
    assert.deepEqual(page.dialogs, [], 'no alert fired');
    // After a reload the stored transcript is rendered as text too.
    await page.reload();
    await widget.userBubbles(page).filter({ hasText: attack }).waitFor();
    await page.waitForTimeout(300);
    assert.deepEqual(await images(), { page: 0, widget: 0 });
    assert.deepEqual(page.dialogs, []);
  } finally {
    await context.close();
  }
});

test('a warning sign makes "Call the clinic" prominent, with the clinic phone, also after a reload', { timeout: 60000 }, async () => {
  const { context, page } = await newPage(browser);
  try {
    await openWidget(page);
    const phone = await page.getAttribute('script[data-phone]', 'data-phone');
    const expectedHref = `tel:${phone.trim().startsWith('+') ? '+' : ''}${phone.replace(/\D/g, '')}`;
    assert.equal(await widget.callClinic(page).getAttribute('href'), expectedHref, 'always there, before any escalation');
    assert.doesNotMatch(await widget.callClinic(page).getAttribute('class'), /prominent/);

    const replies = await ask(page, 'can I put make-up over the yellow crust?');
    assert.match(replies.join(' '), /warning sign/);
    await page.locator('aftercare-widget .call-clinic.prominent').waitFor({ timeout: 5000 });
    assert.equal(await widget.panel(page).getAttribute('data-escalation'), 'injector');
    assert.equal(await widget.callClinic(page).getAttribute('href'), expectedHref);
    assert.match(await widget.callClinic(page).textContent(), /Call the clinic/);
    assert.doesNotMatch(await widget.callEmergency(page).getAttribute('class'), /prominent/);
    assert.ok(!(await transcript(page)).some((line) => /escalation|[{}]/.test(line)), 'the signal is not a bubble');

    await page.reload();
    await widget.panel(page).waitFor({ state: 'visible' });
    assert.match(await widget.callClinic(page).getAttribute('class'), /prominent/);
    assert.equal(await widget.panel(page).getAttribute('data-escalation'), 'injector');
  } finally {
    await context.close();
  }
});

test('an emergency sign makes the emergency number prominent', { timeout: 60000 }, async () => {
  const { context, page } = await newPage(browser);
  try {
    await openWidget(page);
    const replies = await ask(page, "my lips are swelling and I'm wheezing");
    assert.match(replies[0], /^Call 911 now/);
    await page.locator('aftercare-widget .call-emergency.prominent').waitFor({ timeout: 5000 });
    assert.equal(await widget.panel(page).getAttribute('data-escalation'), 'emergency');
    assert.equal(await widget.callEmergency(page).getAttribute('href'), 'tel:911');
    assert.match(await widget.callClinic(page).getAttribute('class'), /prominent/);
  } finally {
    await context.close();
  }
});
