/**
 * Escaping for the machine formats. Each function is total: any string in, a string that the
 * target syntax reads back as the same text (or, for XML, as the same text minus characters XML
 * 1.0 cannot carry at all).
 */

// XML 1.0 allows only tab, LF, CR and code points from U+0020 (minus surrogates and U+FFFE/F);
// anything else makes a strict parser reject the whole report, so it becomes U+FFFD.
const XML_INVALID =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text content of an XML element. */
export function xmlText(text: string): string {
  return text.replace(XML_INVALID, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * An XML attribute value (to be put inside double quotes). Line breaks and tabs are written as
 * character references because attribute-value normalisation would otherwise turn them into spaces.
 */
export function xmlAttr(text: string): string {
  return xmlText(text)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;')
    .replace(/\t/g, '&#9;');
}

/** Message part of a GitHub workflow command (`::error …::DATA`). */
export function workflowData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value of a GitHub workflow command (`file=…,title=…`). */
export function workflowProperty(text: string): string {
  return workflowData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * Plain text inside Markdown (and a GFM table cell): Markdown punctuation is backslash-escaped,
 * HTML is neutralised so vendor values cannot inject tags, and line breaks become `<br>` so a
 * value cannot end a table row.
 */
export function markdownText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|#~!]/g, (c) => `\\${c}`)
    .replace(/\r\n|\r|\n/g, '<br>');
}

/**
 * Inline code, safe in a table cell when `inTable`. The fence is one backtick longer than the longest
 * run inside; pipes are escaped (GFM removes the backslash before the code span is parsed);
 * line breaks would end the row, so they are shown as `⏎`.
 */
export function markdownCode(text: string, inTable = true): string {
  const oneLine = text.replace(/\r\n|\r|\n/g, '⏎');
  const flat = inTable ? oneLine.replace(/\|/g, '\\|') : oneLine;
  if (flat === '') return '""';
  let longest = 0;
  for (const run of flat.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || (flat.startsWith(' ') && flat.endsWith(' ')) ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}
