// The clinic page's aftercare chat: a custom element whose shadow DOM keeps its styles apart from the page's.
//
// Message text is only ever put in the page as text nodes (and <a> elements built here for links and phone
// numbers): nothing from the server or the patient is parsed as HTML. No innerHTML is used anywhere.

import css from './styles.css';
import { fill, readConfig } from './config.js';
import { linkify, telHref } from './linkify.js';
import { readBotPayload } from './messages.js';
import { newId, Store } from './storage.js';
import { ChatConnection } from './transport.js';

const ELEMENT_NAME = 'aftercare-widget';
const GREETING_PAYLOAD = '/greet'; // starts the conversation: the disclaimer, then the greeting
// Asks for the plan as JSON only, for the "Your aftercare" panel (actions/plan.py); the chat shows nothing.
const PLAN_PAYLOAD = '/request_plan{"plan_view": "panel"}';
const SVG_NS = 'http://www.w3.org/2000/svg';
const ICONS = {
  chat: ['M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-5A8 8 0 1 1 21 12z'],
  close: ['M6 6l12 12', 'M18 6L6 18'],
  send: ['M4 12l16-8-6 16-2.5-6.5z', 'M11.5 13.5L20 4'],
  phone: [
    'M22 16.9v3a2 2 0 0 1-2.2 2 19.8 19.8 0 0 1-8.6-3.1 19.5 19.5 0 0 1-6-6A19.8 19.8 0 0 1 2.1 4.2 2 2 0 0 1 4.1 2h3a2 2 0 0 1 2 1.7c.1 1 .4 1.9.7 2.8a2 2 0 0 1-.5 2.1L8 9.9a16 16 0 0 0 6 6l1.3-1.3a2 2 0 0 1 2.1-.4c.9.3 1.8.6 2.8.7a2 2 0 0 1 1.7 2z',
  ],
};

/** Creates an element with attributes and children (strings become text nodes). */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === 'className') element.className = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return element;
}

function icon(name) {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  for (const d of ICONS[name]) {
    const path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  return svg;
}

function formatTime(timestamp) {
  const date = new Date(timestamp);
  const sameDay = date.toDateString() === new Date().toDateString();
  const options = sameDay
    ? { hour: 'numeric', minute: '2-digit' }
    : { weekday: 'short', day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' };
  return new Intl.DateTimeFormat(undefined, options).format(date);
}

function browserTimezone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
  } catch {
    return null;
  }
}

class AftercareChat {
  constructor(host, config) {
    this.host = host;
    this.config = config;
    this.texts = config.texts;
    this.store = new Store(config.storageKey);
    if (config.conversationId && !this.store.state.sessionId) this.store.state.sessionId = config.conversationId;
    this.unread = 0;
    this.statusTimer = null;
    this.shadow = host.attachShadow({ mode: 'open' });
    this.applyStyles();
    this.build();
    this.renderTranscript();
    this.renderEscalation();
    this.connection = new ChatConnection({
      serverUrl: config.serverUrl,
      store: this.store,
      onBotMessage: (payload) => this.receive(payload),
      onStatus: (status) => this.showStatus(status),
      onDelivered: (item) => this.markDelivered(item),
      onRefused: (item) => this.markNotSent(item),
      onUndeliverable: (item) => this.giveUp(item),
      onBusy: (busy) => this.showTyping(busy),
    });
    // Messages left in the outbox by an earlier visit go out without waiting for the window to open.
    if (this.store.state.queue.length) this.connection.start();
    if (this.wasOpen()) this.open({ focus: false });
  }

  applyStyles() {
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      this.shadow.adoptedStyleSheets = [sheet]; // also allowed by a strict style-src Content-Security-Policy
    } catch {
      this.shadow.append(h('style', {}, css));
    }
  }

  text(key, extra = {}) {
    return fill(this.texts[key], {
      clinic_name: this.config.clinicName,
      phone: this.config.phone,
      emergency_number: this.config.emergencyNumber,
      ...extra,
    });
  }

  build() {
    const t = (key) => this.text(key);
    this.badge = h('span', { className: 'badge', hidden: true });
    this.launcher = h(
      'button',
      // Named by its visible text (WCAG 2.5.3, label in name), with the unread count when there is one.
      { type: 'button', className: 'launcher', 'aria-expanded': 'false', 'aria-controls': 'panel' },
      icon('chat'),
      h('span', { className: 'launcher-text' }, t('launcher')),
      this.badge,
    );
    this.launcher.addEventListener('click', () => (this.isOpen() ? this.close() : this.open()));

    this.closeButton = h('button', { type: 'button', className: 'close', 'aria-label': t('close') }, icon('close'));
    this.closeButton.addEventListener('click', () => this.close());

    this.callClinic = h(
      'a',
      { className: 'call-clinic', 'data-action': 'call-clinic' },
      icon('phone'),
      h('span', {}, t('callClinic')),
    );
    this.callClinicNumber = h('span', { className: 'visually-hidden' });
    this.callClinic.append(this.callClinicNumber);
    this.callEmergency = h(
      'a',
      { className: 'call-emergency', 'data-action': 'call-emergency', href: telHref(this.config.emergencyNumber) },
      icon('phone'),
      h('span', {}, t('emergency')),
    );
    this.escalationAlert = h('p', { className: 'escalation-alert', id: 'escalation-alert', hidden: true });

    this.status = h('p', { className: 'status', role: 'status', hidden: true });
    this.typing = h('div', { className: 'typing', 'aria-hidden': 'true', hidden: true }, h('span'), h('span'), h('span'));
    this.log = h('div', {
      className: 'log',
      role: 'log',
      'aria-live': 'polite',
      'aria-relevant': 'additions',
      'aria-label': t('log'),
      tabindex: '0',
    });
    this.logEnd = h('div', { className: 'log-end' }, this.typing);
    this.log.append(this.logEnd);

    this.input = h('textarea', {
      id: 'message-input',
      rows: '1',
      placeholder: t('placeholder'),
      enterkeyhint: 'send',
      autocomplete: 'off',
      maxlength: this.config.maxMessageLength,
    });
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submit();
      }
    });
    this.input.addEventListener('input', () => this.fitInput());
    this.sendButton = h('button', { type: 'submit', className: 'send', 'aria-label': t('send') }, icon('send'));
    const composer = h(
      'form',
      { className: 'composer', novalidate: true },
      h('label', { for: 'message-input', className: 'visually-hidden' }, t('inputLabel')),
      this.input,
      this.sendButton,
    );
    composer.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });

    this.buildPlan();
    this.panel = h(
      'section',
      { className: 'panel', id: 'panel', role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': 'panel-title', hidden: true },
      h(
        'header',
        { className: 'header' },
        h('div', { className: 'titles' }, h('h2', { className: 'title', id: 'panel-title' }, t('title')), h('p', { className: 'subtitle' }, t('subtitle')), this.planButton),
        this.closeButton,
      ),
      h('nav', { className: 'help', 'aria-label': t('helpLabel') }, this.escalationAlert, h('div', { className: 'help-actions' }, this.callClinic, this.callEmergency)),
      this.status,
      this.planView,
      this.log,
      composer,
      h('p', { className: 'footer' }, t('footer')),
    );
    this.panel.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        if (this.isPlanOpen()) this.closePlan();
        else this.close();
      }
    });

    this.root = h('div', { className: 'root' }, this.launcher, this.panel);
    this.root.style.setProperty('--accent', this.config.accentColor);
    this.shadow.append(this.root);
    this.setClinicPhone(this.store.state.escalationPhone || this.config.phone);
  }

  // ---- "Your aftercare" panel: day N, what is fine now, the next milestone ---------------------------------------

  buildPlan() {
    const t = (key) => this.text(key);
    this.planButton = h(
      'button',
      { type: 'button', className: 'plan-button', 'aria-expanded': 'false', 'aria-controls': 'plan' },
      t('planButton'),
    );
    this.planButton.addEventListener('click', () => (this.isPlanOpen() ? this.closePlan() : this.openPlan()));
    this.planHeading = h('h3', { className: 'plan-title', id: 'plan-title', tabindex: '-1' }, t('planTitle'));
    // Announced when the plan arrives, so a screen reader says it without the patient moving focus.
    this.planBody = h('div', { className: 'plan-body', 'aria-live': 'polite' });
    this.planBack = h('button', { type: 'button', className: 'plan-back' }, t('planBack'));
    this.planBack.addEventListener('click', () => this.closePlan());
    this.planView = h(
      'section',
      { className: 'plan', id: 'plan', role: 'region', 'aria-labelledby': 'plan-title', hidden: true },
      this.planHeading,
      this.planBody,
      this.planBack,
    );
  }

  isPlanOpen() {
    return !this.planView.hidden;
  }

  openPlan() {
    this.planView.hidden = false;
    this.log.hidden = true;
    this.planButton.setAttribute('aria-expanded', 'true');
    this.planBody.replaceChildren(h('p', { className: 'plan-note' }, this.text('planLoading')));
    this.planHeading.focus();
    this.connection.start();
    this.connection.send({ id: newId(), payload: PLAN_PAYLOAD, metadata: this.metadata(), hidden: true });
  }

  closePlan() {
    this.planView.hidden = true;
    this.log.hidden = false;
    this.planButton.setAttribute('aria-expanded', 'false');
    this.planButton.focus();
    this.scrollToEnd(true);
  }

  /** The plan's sections as lists of text (never HTML); null: the procedure time is not known yet. */
  renderPlan(plan) {
    if (!plan) {
      this.planBody.replaceChildren(h('p', { className: 'plan-note' }, this.text('planUnknown')));
      return;
    }
    const section = (title, items) =>
      items.length ? [h('h4', {}, title), h('ul', {}, items.map((item) => h('li', {}, item)))] : [];
    const day = plan.day === 0 ? this.text('planDayZero', { elapsed: plan.elapsed }) : this.text('planDay', { day: plan.day, elapsed: plan.elapsed });
    this.planBody.replaceChildren(
      h('p', { className: 'plan-day' }, day),
      ...section(this.text('planFine'), plan.fineNow),
      ...section(this.text('planNext'), plan.nextMilestone ? [plan.nextMilestone] : []),
      ...section(this.text('planWaiting'), plan.waiting.map((item) => this.text('planFrom', item))),
      ...section(this.text('planNormal'), plan.normal.map((item) => this.text('planUntil', item))),
      ...section(this.text('planNoLonger'), plan.noLongerExpected),
    );
  }

  setClinicPhone(phone) {
    const href = phone ? telHref(phone) : null;
    if (href) this.callClinic.setAttribute('href', href);
    this.callClinic.hidden = !href;
    this.callClinicNumber.textContent = phone ? ` ${phone}` : '';
  }

  // ---- Opening and closing -------------------------------------------------------------------------------

  isOpen() {
    return !this.panel.hidden;
  }

  wasOpen() {
    try {
      return sessionStorage.getItem(`${this.config.storageKey}:open`) === '1';
    } catch {
      return false;
    }
  }

  rememberOpen(open) {
    try {
      sessionStorage.setItem(`${this.config.storageKey}:open`, open ? '1' : '0');
    } catch {
      // Not remembering whether the window was open is harmless.
    }
  }

  open({ focus = true } = {}) {
    this.panel.hidden = false;
    this.root.classList.add('is-open');
    this.launcher.setAttribute('aria-expanded', 'true');
    this.rememberOpen(true);
    this.unread = 0;
    this.showUnread();
    this.connection.start();
    const firstVisit = !this.store.state.greeted && !this.store.state.messages.length;
    this.showLinkNotice();
    if (firstVisit) {
      this.store.state.greeted = true;
      this.connection.send({ id: newId(), payload: GREETING_PAYLOAD, metadata: this.metadata(), hidden: true });
    }
    this.scrollToEnd(true);
    if (focus) this.input.focus();
  }

  /** The page's notice that its private link is not valid, also in a conversation this browser already had: once
   * per tab, so a reload does not repeat it but the link opened again does. */
  showLinkNotice() {
    if (!this.config.linkNotice) return;
    const key = `${this.config.storageKey}:link-notice`;
    try {
      if (sessionStorage.getItem(key) === '1') return;
      sessionStorage.setItem(key, '1');
    } catch {
      // Without sessionStorage the notice comes again after a reload, which is harmless.
    }
    this.addMessage({ id: newId(), from: 'bot', text: this.config.linkNotice, ts: Date.now(), local: true });
  }

  close() {
    this.panel.hidden = true;
    this.root.classList.remove('is-open');
    this.launcher.setAttribute('aria-expanded', 'false');
    this.rememberOpen(false);
    this.launcher.focus();
  }

  // ---- Sending -------------------------------------------------------------------------------------------

  metadata() {
    const metadata = {};
    if (this.config.procedureTime) metadata.procedure_time = this.config.procedureTime;
    const timezone = browserTimezone();
    if (timezone) metadata.timezone = timezone;
    return metadata;
  }

  submit() {
    const text = this.input.value.trim();
    if (!text) return;
    this.input.value = '';
    this.fitInput();
    this.sendMessage(text, text);
  }

  /** Shows `title` as the patient's message and sends `payload` (the same text, or a button's payload). */
  sendMessage(title, payload) {
    const message = { id: newId(), from: 'user', text: this.limited(title), ts: Date.now(), pending: true };
    this.retireQuickReplies();
    this.store.state.messages.push(message);
    this.appendMessage(message);
    this.scrollToEnd();
    this.connection.send({ id: message.id, payload: this.limited(payload), metadata: this.metadata() });
  }

  markDelivered(item) {
    this.updateMessage(item, { pending: false });
  }

  /** The server refused the message (its reply says why): shown as not sent, and not sent again. */
  markNotSent(item) {
    this.updateMessage(item, { pending: false, notSent: true });
  }

  /** The server never acknowledged the message: shown as not sent, and the patient is told to call instead. */
  giveUp(item) {
    this.markNotSent(item);
    const phone = this.store.state.escalationPhone || this.config.phone;
    this.addMessage({ id: newId(), from: 'bot', text: this.text(phone ? 'undeliverable' : 'undeliverableNoPhone', { phone }), ts: Date.now(), local: true });
  }

  updateMessage(item, changes) {
    const message = this.store.state.messages.find((candidate) => candidate.id === item.id);
    if (!message) return;
    Object.assign(message, changes);
    this.store.save();
    const element = this.log.querySelector(`[data-id="${message.id}"]`);
    if (element) this.fillMeta(element, message);
  }

  // ---- Receiving -----------------------------------------------------------------------------------------

  receive(payload) {
    const reply = readBotPayload(payload);
    if (reply.plan !== undefined) {
      this.renderPlan(reply.plan); // shown when the panel is open; a plan asked in words also refreshes it
      return;
    }
    if (reply.escalation) {
      this.escalate(reply.escalation, reply.phone);
      return;
    }
    if (!reply.text && !reply.replies.length) return;
    if (reply.staff) {
      this.addMessage({ id: newId(), from: 'staff', text: reply.text, ts: Date.now(), staff: reply.staff });
      return;
    }
    if (reply.replies.length) this.retireQuickReplies();
    this.addMessage({ id: newId(), from: 'bot', text: reply.text, ts: Date.now(), replies: reply.replies });
  }

  addMessage(message) {
    this.store.state.messages.push(message);
    this.store.save();
    this.appendMessage(message);
    this.scrollToEnd();
    if (!this.isOpen()) {
      this.unread += 1;
      this.showUnread();
    }
  }

  /** The text cut to the channel's limit when the page gave one (config.maxMessageLength). */
  limited(text) {
    return this.config.maxMessageLength ? text.slice(0, this.config.maxMessageLength) : text;
  }

  escalate(level, phone) {
    const state = this.store.state;
    // The server sends the conversation's level, never lowered (actions/actions.py utter_escalation).
    state.escalation = level;
    if (phone) state.escalationPhone = phone;
    this.store.save();
    this.renderEscalation();
  }

  renderEscalation() {
    const level = this.store.state.escalation;
    if (this.store.state.escalationPhone) this.setClinicPhone(this.store.state.escalationPhone);
    if (level) this.panel.dataset.escalation = level;
    else delete this.panel.dataset.escalation;
    this.callClinic.classList.toggle('prominent', Boolean(level));
    this.callEmergency.classList.toggle('prominent', level === 'emergency');
    this.escalationAlert.hidden = !level;
    this.escalationAlert.textContent = level === 'emergency' ? this.text('escalationEmergency') : level ? this.text('escalationInjector') : '';
    for (const link of [this.callClinic, this.callEmergency]) {
      if (link.classList.contains('prominent')) link.setAttribute('aria-describedby', 'escalation-alert');
      else link.removeAttribute('aria-describedby');
    }
  }

  // ---- Rendering -----------------------------------------------------------------------------------------

  renderTranscript() {
    const { messages, queue } = this.store.state;
    const queued = new Set(queue.map((item) => item.id));
    for (const message of messages) {
      if (message.pending && !queued.has(message.id)) message.pending = false;
      this.appendMessage(message);
    }
  }

  /** Message text as text nodes, with links and phone numbers as <a> elements built here. */
  renderText(text) {
    const fragment = document.createDocumentFragment();
    for (const piece of linkify(text, [this.config.phone, this.store.state.escalationPhone, this.config.emergencyNumber])) {
      if (piece.type === 'text') {
        fragment.append(document.createTextNode(piece.text));
        continue;
      }
      const link = document.createElement('a');
      link.href = piece.href;
      link.textContent = piece.text;
      if (piece.type === 'url') {
        link.target = '_blank';
        link.rel = 'noopener noreferrer';
      }
      fragment.append(link);
    }
    return fragment;
  }

  appendMessage(message) {
    const bubble = h('p', { className: 'bubble' });
    bubble.append(this.renderText(message.text));
    const element = h(
      'div',
      { className: `message ${message.from}`, 'data-id': message.id, 'data-from': message.from },
      message.from === 'staff'
        ? h('p', { className: 'sender' }, [message.staff?.name, message.staff?.clinic].filter(Boolean).join(', '))
        : h('span', { className: 'visually-hidden' }, `${message.from === 'user' ? this.text('you') : this.text('assistant')}: `),
      bubble,
      h('p', { className: 'meta' }),
    );
    this.fillMeta(element, message);
    // Quick replies stay until the patient says anything (retireQuickReplies), also across a reload.
    if (message.replies?.length && !message.repliesUsed) element.append(this.quickReplies(message));
    this.log.insertBefore(element, this.logEnd);
  }

  fillMeta(element, message) {
    const meta = element.querySelector('.meta');
    const time = h('time', { datetime: new Date(message.ts).toISOString() }, formatTime(message.ts));
    element.classList.toggle('pending', Boolean(message.pending));
    element.classList.toggle('not-sent', Boolean(message.notSent));
    meta.replaceChildren(time);
    if (message.pending) meta.append(` · ${this.text('waiting')}`);
    if (message.notSent) meta.append(` · ${this.text('notSent')}`);
  }

  quickReplies(message) {
    const group = h('div', { className: 'quick-replies', role: 'group', 'aria-label': this.text('quickReplies') });
    for (const reply of message.replies) {
      const button = h('button', { type: 'button', 'data-payload': reply.payload }, reply.title);
      button.addEventListener('click', () => {
        this.sendMessage(reply.title, reply.payload);
        this.input.focus();
      });
      group.append(button);
    }
    return group;
  }

  /** Buttons answer the question they came with: once the patient says anything, they go. */
  retireQuickReplies() {
    for (const message of this.store.state.messages) {
      if (message.replies?.length) message.repliesUsed = true;
    }
    for (const group of this.log.querySelectorAll('.quick-replies')) group.remove();
  }

  showTyping(busy) {
    this.typing.hidden = !busy;
    if (busy) this.scrollToEnd();
  }

  showStatus(status) {
    clearTimeout(this.statusTimer);
    this.status.dataset.state = status;
    const messages = {
      reconnecting: this.text('reconnecting'),
      offline: this.text('offline'),
      retrying: this.text('retrying'),
      connecting: this.text('connecting'),
    };
    if (!messages[status]) {
      this.status.hidden = true;
      this.status.textContent = '';
      return;
    }
    const show = () => {
      this.status.textContent = messages[status];
      this.status.hidden = false;
    };
    // A quick first connection should not flash a status line.
    if (status === 'connecting') this.statusTimer = setTimeout(show, 1500);
    else show();
  }

  showUnread() {
    this.badge.hidden = this.unread === 0;
    this.badge.textContent = this.unread ? this.text('newMessages', { count: this.unread }) : '';
  }

  scrollToEnd(instant = false) {
    const behavior = instant ? 'auto' : undefined;
    requestAnimationFrame(() => this.log.scrollTo({ top: this.log.scrollHeight, behavior }));
  }

  fitInput() {
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(this.input.scrollHeight + 4, 140)}px`;
  }
}

class AftercareWidgetElement extends HTMLElement {
  connectedCallback() {
    if (!this.chat && this.config) this.chat = new AftercareChat(this, this.config);
  }
}

function embed(script) {
  if (document.querySelector(ELEMENT_NAME)) return; // embedded twice: keep the first
  const element = document.createElement(ELEMENT_NAME);
  element.config = readConfig(script ? script.dataset : {});
  document.body.append(element);
}

if (!customElements.get(ELEMENT_NAME)) {
  customElements.define(ELEMENT_NAME, AftercareWidgetElement);
  // document.currentScript is only set while this file first runs, so read it now.
  const script = document.currentScript || document.querySelector('script[src*="aftercare-widget"]');
  if (document.body) embed(script);
  else document.addEventListener('DOMContentLoaded', () => embed(script), { once: true });
}
