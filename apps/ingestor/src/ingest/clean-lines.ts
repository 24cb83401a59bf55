const COMMA = 0x2c;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;

/**
 * Counts the lines of `bytes[start, end)` (`end` just past an LF, or the end of the file) when
 * every one of them is a record that csv-parse and PostgreSQL's COPY (FORMAT csv) read the same
 * way, with `width` fields; otherwise -1.
 *
 * Such a line: ends in LF or CRLF (or the file's end), holds no other CR, no NUL and no quoted
 * line break (so one line is one record and its line number is exact), and quotes only whole
 * fields RFC 4180 style (a quote opens a field, a doubled quote inside stands for one, the
 * closing quote is followed by a comma or the line end). csv-parse rejects anything else and
 * PostgreSQL would read some of it differently (a quote in mid-field opens a quoted run there),
 * so such lines must take the exact path. Wrong field counts are -1 too: the exact path
 * quarantines them with their reasons. An empty line (LF or CRLF alone) is counted as a line and
 * in `blank.lines`: both paths skip blank lines (numberLines leaves them out); a line of only
 * spaces is -1, for the exact path, which skips it as blank too. UTF-8 is the caller's check
 * (native, whole chunk at once).
 *
 * One pass, no allocation: this decides whether the chunk's bytes may go to COPY untouched.
 */
export function countCleanLines(bytes: Uint8Array, start: number, end: number, width: number, blank?: { lines: number }): number {
  let lines = 0;
  let fields = 1;
  let lineLength = 0;
  let i = start;
  while (i < end) {
    let b = bytes[i];
    if (b === QUOTE) {
      // A quoted field: runs to a quote that is not doubled.
      i++;
      for (;;) {
        if (i >= end) return -1;
        b = bytes[i];
        if (b === QUOTE) {
          if (i + 1 < end && bytes[i + 1] === QUOTE) {
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (b === LF || b === CR || b === NUL) return -1;
        i++;
      }
      lineLength++;
      if (i >= end) break;
      b = bytes[i];
      if (b !== COMMA && b !== LF && b !== CR) return -1;
    }
    // Unquoted bytes up to the field's end.
    while (b !== COMMA && b !== LF && b !== CR) {
      if (b === QUOTE || b === NUL) return -1;
      lineLength++;
      if (++i >= end) break;
      b = bytes[i];
    }
    if (i >= end) break;
    if (b === COMMA) {
      fields++;
      lineLength++;
      i++;
      // A line ending in a comma has an empty last field: the loop ends the line next.
      continue;
    }
    if (b === CR) {
      if (i + 1 >= end || bytes[i + 1] !== LF) return -1;
      i++;
    }
    // LF: the line ends.
    if (fields === 1 && lineLength === 0) {
      if (blank) blank.lines++;
    } else if (fields !== width) {
      return -1;
    }
    lines++;
    fields = 1;
    lineLength = 0;
    i++;
  }
  if (lineLength > 0 || fields > 1) {
    // The file's last line, without a line break.
    if (fields !== width) return -1;
    lines++;
  }
  return lines;
}

/**
 * Writes each line of `bytes[start, end)` (counted clean by countCleanLines) as
 * `<line number>,<line>\n`: the source line the file does not carry, in front of the columns it
 * does, for COPY (FORMAT csv). A CRLF becomes an LF, so every chunk ends its lines alike. Empty
 * lines are left out (they keep their line number).
 */
export function numberLines(bytes: Buffer, start: number, end: number, firstLine: number, lines: number): Buffer {
  const out = Buffer.allocUnsafe(end - start + lines * 17 + 1);
  const digits = new Uint8Array(16);
  let o = 0;
  let line = firstLine;
  let from = start;
  while (from < end) {
    let lf = bytes.indexOf(LF, from);
    if (lf === -1 || lf >= end) lf = end;
    let to = lf;
    if (to > from && bytes[to - 1] === CR) to--;
    if (to === from) {
      line++;
      from = lf + 1;
      continue;
    }
    let n = line;
    let d = 0;
    do {
      digits[d++] = 48 + (n % 10);
      n = Math.floor(n / 10);
    } while (n > 0);
    while (d > 0) out[o++] = digits[--d];
    out[o++] = COMMA;
    o += bytes.copy(out, o, from, to);
    out[o++] = LF;
    line++;
    from = lf + 1;
  }
  return out.subarray(0, o);
}
