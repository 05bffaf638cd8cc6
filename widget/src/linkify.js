// Splits message text into plain-text, link and phone-number pieces. It never produces markup: the widget turns
// each piece into a text node or an <a> element, so whatever the text contains is shown, never run.

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/gi;
// International (+...) or long (9+ digits) numbers with spaces, dots, dashes or brackets between groups.
// Shorter digit runs are left alone so dates, times and durations ("2026-11-29", "24 hours") stay text.
const PHONE_PATTERN = /(?:\+\d[\d\s().-]{5,}\d|\(?\d{2,4}\)?(?:[\s.-]?\d{2,4}){2,4})/g;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}]+$/;

/** The tel: URI for a phone number as written: digits and a leading + only. */
export function telHref(number) {
  const digits = String(number).replace(/[^\d+]/g, '');
  const normalised = digits.startsWith('+') ? '+' + digits.slice(1).replace(/\+/g, '') : digits.replace(/\+/g, '');
  return normalised.replace(/\D/g, '') ? `tel:${normalised}` : null;
}

function digitCount(text) {
  return (text.match(/\d/g) || []).length;
}

function looksLikePhone(candidate) {
  const digits = digitCount(candidate);
  if (digits > 15) return false;
  if (/^\d{4}-\d{2}-\d{2}/.test(candidate)) return false; // an ISO date
  return candidate.startsWith('+') ? digits >= 7 : digits >= 9;
}

function escapeForRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Finds links in `text`: http(s) URLs, phone-like numbers, and the given known numbers (such as the clinic's
 * phone and the emergency number "911", which are too short for the general pattern).
 * Returns pieces in order: {type: "text" | "url" | "tel", text, href?}.
 */
export function linkify(text, knownNumbers = []) {
  const source = String(text ?? '');
  const matches = [];
  for (const match of source.matchAll(URL_PATTERN)) {
    const url = match[0].replace(TRAILING_PUNCTUATION, '');
    let href = null;
    try {
      const parsed = new URL(url);
      if (parsed.protocol === 'http:' || parsed.protocol === 'https:') href = parsed.href;
    } catch {
      href = null;
    }
    if (href) matches.push({ start: match.index, end: match.index + url.length, type: 'url', href });
  }
  const overlaps = (start, end) => matches.some((m) => start < m.end && end > m.start);
  const addNumber = (start, raw) => {
    const number = raw.replace(/[\s(.-]+$/, '');
    const end = start + number.length;
    const href = telHref(number);
    if (href && !overlaps(start, end)) matches.push({ start, end, type: 'tel', href });
  };
  for (const known of knownNumbers.filter((n) => n && digitCount(n) > 0)) {
    // Not glued to other digits or letters, so "911" does not match inside "19112".
    const pattern = new RegExp(`(?<![\\w+])${escapeForRegExp(String(known).trim())}(?![\\w])`, 'g');
    for (const match of source.matchAll(pattern)) addNumber(match.index, match[0]);
  }
  for (const match of source.matchAll(PHONE_PATTERN)) {
    const before = source[match.index - 1] || '';
    if (/[\w/:.-]/.test(before)) continue; // part of a longer token, such as a URL or a version
    const candidate = match[0].trim();
    const start = match.index + match[0].indexOf(candidate);
    if (looksLikePhone(candidate)) addNumber(start, candidate);
  }
  matches.sort((a, b) => a.start - b.start);
  const pieces = [];
  let position = 0;
  for (const match of matches) {
    if (match.start < position) continue;
    if (match.start > position) pieces.push({ type: 'text', text: source.slice(position, match.start) });
    pieces.push({ type: match.type, text: source.slice(match.start, match.end), href: match.href });
    position = match.end;
  }
  if (position < source.length) pieces.push({ type: 'text', text: source.slice(position) });
  return pieces;
}
