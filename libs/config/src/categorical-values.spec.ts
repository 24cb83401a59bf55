import { CategoricalValuesError, categoricalValues, foldKey, parseCategoricalValues } from './categorical-values';

const VALID = `
version: 1
fields:
  payment_method: { values: [Credit Card, Cash on Delivery], aliases: { COD: Cash on Delivery }, unknown: quarantine }
  category: { values: [Books], unknown: keep }
  sub_category: { values: [Fiction], unknown: keep }
  country: { values: [United States], aliases: { USA: united states }, regions: { united states: US }, unknown: keep }
  state: { values: [Texas], unknown: default, default: TEXAS }
  age_group: { values: ['18-25', '60+'], unknown: quarantine }
`;

function problems(text: string): string[] {
  try {
    parseCategoricalValues(text, '/x/categorical-values.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(CategoricalValuesError);
    return (error as Error).message.split('\n');
  }
  throw new Error('expected the file to be refused');
}

describe('config/categorical-values.yaml', () => {
  it('folds spellings: trimmed, inner whitespace collapsed, lower-cased (Unicode too)', () => {
    expect(foldKey('  Credit \t  CARD ')).toBe('credit card');
    expect(foldKey('ÎLE-DE-FRANCE')).toBe('île-de-france');
    expect(foldKey('   ')).toBe('');
  });

  it('maps every variant and alias to its canonical spelling, and says undefined for an unknown value', () => {
    const config = parseCategoricalValues(VALID);
    expect(config.canonical('payment_method', ' credit   card')).toBe('Credit Card');
    expect(config.canonical('payment_method', 'cod')).toBe('Cash on Delivery');
    expect(config.canonical('payment_method', 'Bitcoin')).toBeUndefined();
    expect(config.canonical('country', 'usa')).toBe('United States');
    expect(config.field('country').regions).toEqual({ 'United States': 'US' });
    expect(config.field('state')).toMatchObject({ unknown: 'default', default: 'Texas' });
  });

  it('loads the shipped file: the generator values, aliases like USA and COD, quarantine for payment method and age group', () => {
    const config = categoricalValues();
    expect(config.canonical('country', 'USA')).toBe('United States');
    expect(config.canonical('country', 'US')).toBe('United States');
    expect(config.canonical('payment_method', 'Cash On Delivery')).toBe('Cash on Delivery');
    expect(config.canonical('payment_method', 'COD')).toBe('Cash on Delivery');
    expect(config.fields.map((f) => [f.field, f.unknown])).toEqual([
      ['payment_method', 'quarantine'],
      ['category', 'keep'],
      ['sub_category', 'keep'],
      ['country', 'keep'],
      ['state', 'keep'],
      ['age_group', 'quarantine'],
    ]);
    expect(Object.keys(config.field('country').regions).sort()).toEqual([...config.field('country').values].sort());
  });

  it('refuses a broken file with one message naming every bad key', () => {
    const lines = problems(`
version: 2
extra: 1
fields:
  payment_method: { values: [Credit Card, ' credit  card'], aliases: { Visa: Amex }, unknown: drop }
  category: { values: [], unknown: keep }
  sub_category: { values: [Fiction], unknown: default }
  country: { values: [United States], regions: { United States: ZZ, Mars: MA }, unknown: keep }
  state: { values: [Texas], unknown: keep, regions: { Texas: US }, colour: blue }
  colour: { values: [Red], unknown: keep }
`);
    expect(lines).toEqual([
      "categorical-values.yaml: unknown top-level key 'extra'",
      "categorical-values.yaml: 'version' must be 1, got 2",
      'categorical-values.yaml: fields.colour: not a categorical field (one of payment_method, category, sub_category, country, state, age_group)',
      `categorical-values.yaml: fields.payment_method.values[1]: " credit  card" has surrounding or repeated spaces`,
      `categorical-values.yaml: fields.payment_method.values[1]: " credit  card" is the same value as "Credit Card" (case and spaces are ignored)`,
      'categorical-values.yaml: fields.payment_method.aliases.Visa: "Amex" is not one of the field\'s values',
      'categorical-values.yaml: fields.payment_method.unknown: must be one of quarantine, keep, default, got "drop"',
      'categorical-values.yaml: fields.category.values: must be a non-empty list of spellings',
      `categorical-values.yaml: fields.sub_category.default: nothing must be one of the field's values (unknown: default)`,
      'categorical-values.yaml: fields.country.regions.United States: "ZZ" is not an ISO 3166 region code libphonenumber knows (e.g. US, GB)',
      "categorical-values.yaml: fields.country.regions.Mars: not one of the field's values",
      "categorical-values.yaml: fields.state: unknown key 'colour' (one of values, aliases, unknown, default, regions)",
      'categorical-values.yaml: fields.state.regions: only the country field has regions',
      'categorical-values.yaml: fields.age_group: missing (every categorical field needs its values and an unknown policy)',
    ]);
  });

  it('refuses an alias that already means another value', () => {
    expect(
      problems(VALID.replace('aliases: { COD: Cash on Delivery }', 'aliases: { COD: Cash on Delivery, " credit card": Cash on Delivery }')),
    ).toEqual([`categorical-values.yaml: fields.payment_method.aliases. credit card: already means "Credit Card" (case and spaces are ignored)`]);
  });
});
