/**
 * Small text helpers shared by the renderers: escaping for XML/HTML and Markdown, and a rough
 * text-width estimate for laying out SVG (which has no text measurement of its own).
 */

/** Escapes text for XML and HTML content and double- or single-quoted attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * Escapes untrusted text for Markdown: backslash-escapes the characters Markdown gives a meaning to
 * inside a line, writes `<` (and an `&` that would start an entity) as entities so no raw HTML
 * survives (Markdown passes HTML through), and escapes block syntax (headings, lists, quotes) where
 * a line starts. `inline` text follows other text on its first line; `block` text starts a line;
 * `table` text sits in a GFM table cell (line breaks become `<br>`).
 */
export function escapeMarkdown(text: string, mode: 'inline' | 'block' | 'table' = 'inline'): string {
  const lines = text.split(/\r?\n/).map((line, i) => {
    const escaped = line
      .replace(/&(?=#?\w+;)/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`);
    if (mode === 'table' || (mode === 'inline' && i === 0)) return escaped;
    // Block syntax only matters at the start of a line: headings, lists, quotes, setext rules.
    return escaped.replace(/^(\s*)([#+=>-])/, '$1\\$2').replace(/^(\s*\d+)([.)])/, '$1\\$2');
  });
  return mode === 'table' ? lines.join('<br>') : lines.join('  \n');
}

/** True for characters that take a full em in most fonts (CJK, Hangul, full-width forms). */
function isWide(code: number): boolean {
  return (code >= 0x2e80 && code <= 0xa4cf) || (code >= 0xac00 && code <= 0xd7a3) || (code >= 0xf900 && code <= 0xfaff) || (code >= 0xfe30 && code <= 0xfe4f) || (code >= 0xff00 && code <= 0xff60) || (code >= 0xffe0 && code <= 0xffe6);
}

/** True when the text holds CJK (or other full-width) characters. */
export function hasWideChars(text: string): boolean {
  for (const ch of text) if (isWide(ch.codePointAt(0)!)) return true;
  return false;
}

/** Estimated width of text in a proportional sans-serif font (average glyph ~0.56 em, wide glyphs 1 em). */
export function estimateWidth(text: string, fontSize: number, bold = false): number {
  let em = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (isWide(code)) em += 1;
    else if (ch === ' ' || 'iljtfI.,:;|!\'()[]'.includes(ch)) em += 0.3;
    else if ('mwMW@'.includes(ch)) em += 0.85;
    else if (ch >= 'A' && ch <= 'Z') em += 0.67;
    else em += 0.55;
  }
  return em * fontSize * (bold ? 1.06 : 1);
}

/** Shortens text with an ellipsis so that its estimated width fits `maxWidth`. */
export function fitText(text: string, maxWidth: number, fontSize: number, bold = false): string {
  if (estimateWidth(text, fontSize, bold) <= maxWidth) return text;
  const chars = [...text];
  while (chars.length > 0 && estimateWidth(`${chars.join('')}…`, fontSize, bold) > maxWidth) chars.pop();
  return `${chars.join('').trimEnd()}…`;
}

/** Font stack for SVG and HTML: system sans-serif fonts, with CJK fallbacks (no web fonts: reports stay self-contained). */
export const FONT_STACK = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, 'Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif";

/** Formats an ISO date-time for display (`2026-11-22 10:00 UTC`); other text is returned unchanged. */
export function displayDateTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.exec(iso);
  if (!m) return iso;
  return `${m[1]} ${m[2]} ${m[3] === 'Z' ? 'UTC' : m[3]}`;
}
