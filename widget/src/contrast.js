// WCAG 2.x contrast, used to keep a clinic's accent colour readable (AA: 4.5:1 for normal text).

export const AA_NORMAL_TEXT = 4.5;

/** Parses #rgb or #rrggbb into [r, g, b] (0-255), or null. */
export function parseHexColor(value) {
  const match = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(String(value ?? '').trim());
  if (!match) return null;
  const hex = match[1].length === 3 ? [...match[1]].map((c) => c + c).join('') : match[1];
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

export function toHex([r, g, b]) {
  return '#' + [r, g, b].map((c) => Math.round(c).toString(16).padStart(2, '0')).join('');
}

function relativeLuminance([r, g, b]) {
  const [lr, lg, lb] = [r, g, b].map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
}

/** The contrast ratio of two colours, from 1 to 21. */
export function contrastRatio(first, second) {
  const [light, dark] = [relativeLuminance(first), relativeLuminance(second)].sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
}

/**
 * An accent colour that white text on it, and it as text on white, both meet AA: the given colour when it
 * already does, else the same hue darkened just enough. (White-on-accent and accent-on-white are the same ratio.)
 */
export function readableAccent(value, fallback) {
  const rgb = parseHexColor(value) || parseHexColor(fallback);
  const white = [255, 255, 255];
  let color = rgb;
  for (let step = 0; step < 40 && contrastRatio(color, white) < AA_NORMAL_TEXT; step += 1) {
    color = color.map((c) => c * 0.93);
  }
  return { color: toHex(color), adjusted: toHex(color) !== toHex(rgb), ratio: contrastRatio(color, white) };
}
