// Shared set-up for the browser tests: headless Chromium from Debian's package, driven by playwright-core,
// against the demo page served by scripts/serve.sh (which also runs the real Rasa and action servers).
import { chromium } from 'playwright-core';

export const DEMO_URL = (process.env.DEMO_URL || 'http://localhost:8080').replace(/\/+$/, '');
export const DISCLAIMER = /automated aftercare assistant, not a clinician/;
export const REPLY_TIMEOUT = 20000; // one turn through Rasa and the action server; usually well under a second

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Starts headless Chromium; fails with a hint when the demo page is not being served. */
export async function launchBrowser() {
  try {
    await fetch(`${DEMO_URL}/`, { signal: AbortSignal.timeout(5000) });
  } catch {
    throw new Error(`${DEMO_URL} does not answer: run the tests through \`scripts/serve.sh -- npm --prefix widget test\``);
  }
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
  });
}

/** What the widget keeps in the page's localStorage (session id, transcript, messages waiting to be sent). */
export const storedState = (page) =>
  page.evaluate(() => {
    const key = Object.keys(localStorage).find((name) => name.startsWith('aftercare-widget'));
    return JSON.parse(localStorage.getItem(key));
  });

/** A fresh browser context (empty localStorage: a new patient) and a page that records dialogs and errors. */
export async function newPage(browser, contextOptions = {}) {
  const context = await browser.newContext({ locale: 'en-US', timezoneId: 'America/New_York', ...contextOptions });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  page.dialogs = [];
  page.errors = [];
  page.on('dialog', async (dialog) => {
    page.dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  page.on('pageerror', (error) => page.errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') page.errors.push(message.text());
  });
  return { context, page };
}

/** Locators inside the widget (Playwright's CSS selectors go through its open shadow root). */
export const widget = {
  launcher: (page) => page.locator('aftercare-widget .launcher'),
  panel: (page) => page.locator('aftercare-widget .panel'),
  input: (page) => page.locator('aftercare-widget textarea'),
  status: (page) => page.locator('aftercare-widget .status'),
  callClinic: (page) => page.locator('aftercare-widget .call-clinic'),
  callEmergency: (page) => page.locator('aftercare-widget .call-emergency'),
  quickReplies: (page) => page.locator('aftercare-widget .quick-replies button'),
  botBubbles: (page) => page.locator('aftercare-widget .message.bot .bubble'),
  userBubbles: (page) => page.locator('aftercare-widget .message.user .bubble'),
};

/** Opens the demo page (with an optional query such as "?procedure_time="), the chat window, and waits for the
 * assistant's opening messages (the disclaimer first). */
export async function openWidget(page, query = '') {
  await page.goto(`${DEMO_URL}/${query}`);
  await widget.launcher(page).click();
  await widget.panel(page).waitFor({ state: 'visible' });
  await botSays(page, DISCLAIMER);
  await turnEnds(page);
}

/** Waits until the assistant has finished its turn (the typing indicator is gone). */
export async function turnEnds(page, timeout = REPLY_TIMEOUT) {
  await page.locator('aftercare-widget .typing').waitFor({ state: 'hidden', timeout });
}

/** Sends a message and returns the texts of the assistant's replies to it. */
export async function ask(page, text) {
  const shown = await botCount(page);
  await say(page, text);
  await botSays(page, /./, { after: shown });
  await turnEnds(page);
  return (await widget.botBubbles(page).allTextContents()).slice(shown);
}

/**
 * Waits for a bot message matching `pattern` among those from index `after` on (to skip earlier answers),
 * returning its text.
 */
export async function botSays(page, pattern, { after = 0, timeout = REPLY_TIMEOUT } = {}) {
  const found = await page.waitForFunction(
    ({ source, flags, skip }) => {
      const root = document.querySelector('aftercare-widget')?.shadowRoot;
      const texts = [...(root?.querySelectorAll('.message.bot .bubble') ?? [])].slice(skip).map((b) => b.textContent);
      return texts.find((text) => new RegExp(source, flags).test(text)) ?? null;
    },
    { source: pattern.source, flags: pattern.flags, skip: after },
    { timeout },
  );
  return found.jsonValue();
}

/** How many bot messages the widget shows. */
export function botCount(page) {
  return widget.botBubbles(page).count();
}

/** Types a message and sends it with Enter, as a patient would. */
export async function say(page, text) {
  await widget.input(page).fill(text);
  await widget.input(page).press('Enter');
}

/** The texts of all bubbles in order, "bot: ..." or "user: ...". */
export async function transcript(page) {
  return page.locator('aftercare-widget .message').evaluateAll((elements) =>
    elements.map((element) => `${element.dataset.from}: ${element.querySelector('.bubble').textContent}`),
  );
}

/** The element focused inside the widget's shadow root, described for assertions. */
export async function focusedInWidget(page) {
  return page.evaluate(() => {
    const host = document.activeElement;
    if (!host || host.localName !== 'aftercare-widget') return null;
    const element = host.shadowRoot.activeElement;
    if (!element) return 'host';
    return element.id ? `#${element.id}` : `${element.localName}.${[...element.classList].join('.')}:${element.textContent.trim()}`;
  });
}

