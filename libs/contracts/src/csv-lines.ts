/**
 * Line breaks in `text` as every part of the pipeline counts them: CRLF once, a lone CR or LF
 * once. Source lines in the quarantine, and the defect manifest's lines, are physical lines
 * counted this way, so the generator and the ingestor must agree on it.
 */
export function lineBreaks(text: string): number {
  if (text.indexOf('\n') === -1 && text.indexOf('\r') === -1) return 0;
  let breaks = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) breaks++;
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) breaks++;
  }
  return breaks;
}
