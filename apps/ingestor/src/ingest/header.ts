import { ENTITY_SPECS, type Entity } from '@ecom/contracts';

/** How a file's header maps onto the entity's staging columns. */
export interface HeaderLayout {
  width: number;
  /** For each contract column (in ENTITY_SPECS order), its position in the file. */
  positions: number[];
  extras: Array<{ name: string; position: number }>;
  keyPosition: number;
}

export type HeaderCheck = { layout: HeaderLayout; problem?: undefined } | { layout?: undefined; problem: string };

const plural = (n: number, word: string) => (n > 1 ? `${word}s` : word);

/** A header of one column holding another delimiter: said plainly, since "missing columns" alone puzzles. */
function otherDelimiter(names: string[]): string | undefined {
  if (names.length !== 1) return undefined;
  const found = [';', '\t', '|'].find((d) => names[0].includes(d));
  if (!found) return undefined;
  const shown = found === '\t' ? 'tabs' : `'${found}'`;
  return `line 1: the header is one column separated by ${shown}: input files must be comma-separated`;
}

/**
 * Checks a header record against the contract (docs/contract.md section 1: match by name, any order,
 * unknown columns kept aside) and maps it. A problem is worded without the file name, since the
 * caller (plan or part) names the file once.
 */
export function checkHeader(fields: string[], entity: Entity): HeaderCheck {
  const spec = ENTITY_SPECS[entity];
  const names = fields.map((f) => f.trim());
  const normalised = names.map((n) => n.toLowerCase());

  if (names.length === 1 && names[0] === '') return { problem: 'line 1: the header line is blank' };
  const duplicated = [...new Set(normalised.filter((n, i) => n !== '' && normalised.indexOf(n) !== i))];
  if (duplicated.length > 0) {
    return { problem: `line 1: duplicated ${plural(duplicated.length, 'column')} ${duplicated.join(', ')}` };
  }
  const missing = spec.columns.filter((c) => !normalised.includes(c));
  if (missing.length > 0) {
    return { problem: otherDelimiter(names) ?? `line 1: missing ${plural(missing.length, 'column')} ${missing.join(', ')}` };
  }
  const known = new Set<string>(spec.columns);
  return {
    layout: {
      width: names.length,
      positions: spec.columns.map((c) => normalised.indexOf(c)),
      extras: names
        .map((name, position) => ({ name: name === '' ? `column_${position + 1}` : name, position }))
        .filter(({ position }) => !known.has(normalised[position])),
      keyPosition: normalised.indexOf(spec.key),
    },
  };
}
