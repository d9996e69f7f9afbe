import type { TextInvalidReason } from './errors.js';

/** Longest service-account name, in characters (code points). */
export const MAX_NAME_LENGTH = 100;
/** Longest description (account or secret), in characters (code points). */
export const MAX_DESCRIPTION_LENGTH = 500;

// C0/C1 controls, DEL, and the Unicode line/paragraph separators.
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/u;
// Descriptions may span lines: tab, LF and CR are allowed there.
const CONTROL_EXCEPT_WHITESPACE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u2028\u2029]/u;

// Text-direction overrides and isolates: in a name they make what a reader sees differ from what
// is stored ("\u202Egnp.exe" reads as "exe.png"), in audit trails and alert messages alike.
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/u;
// What no reader can see: a name made only of these is as good as empty.
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{White_Space}]/gu;
// A UTF-16 surrogate without its partner (JSON can carry one as "\ud800"): not a character at
// all. Stored, it turns into invalid UTF-8 or U+FFFD, so the name read back is not the one checked.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether untrusted text can be shown as one line as it is: no control characters, line
 * separators or text-direction controls, and well-formed Unicode. For text Tessera keeps but does
 * not own (a leak reporter's URL), where trimming or rewriting it would change what was reported.
 */
export function isPlainLine(text: string): boolean {
  return !CONTROL.test(text) && !BIDI_CONTROL.test(text) && !LONE_SURROGATE.test(text);
}

function length(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * Trims a name and checks it: 1..100 characters, at least one of them visible, no control
 * characters (text-direction controls included), well-formed Unicode.
 */
export function checkName(raw: string): { ok: true; value: string } | { ok: false; reason: TextInvalidReason } {
  const value = String(raw).trim();
  if (value.replace(INVISIBLE, '').length === 0) return { ok: false, reason: 'empty' };
  if (length(value) > MAX_NAME_LENGTH) return { ok: false, reason: 'too_long' };
  if (CONTROL.test(value) || BIDI_CONTROL.test(value)) return { ok: false, reason: 'control_characters' };
  if (LONE_SURROGATE.test(value)) return { ok: false, reason: 'invalid_unicode' };
  return { ok: true, value };
}

/** Trims a description and checks it: 0..500 characters of well-formed Unicode; tabs and line breaks allowed, other control characters not. */
export function checkDescription(raw: string): { ok: true; value: string } | { ok: false; reason: TextInvalidReason } {
  const value = String(raw).trim();
  if (length(value) > MAX_DESCRIPTION_LENGTH) return { ok: false, reason: 'too_long' };
  if (CONTROL_EXCEPT_WHITESPACE.test(value)) return { ok: false, reason: 'control_characters' };
  if (LONE_SURROGATE.test(value)) return { ok: false, reason: 'invalid_unicode' };
  return { ok: true, value };
}
