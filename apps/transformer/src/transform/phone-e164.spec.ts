import { toE164 } from './phone-e164';

describe('toE164: the E.164 copy of a phone as written', () => {
  it.each([
    ['+44 20 7946 0958 ext. 12', 'US', '+442079460958'],
    ['+1-415-555-2671', '', '+14155552671'],
    ['(415) 555-2671', 'US', '+14155552671'],
    ['020 7946 0958', 'GB', '+442079460958'],
    ['+91-9876543210', 'IN', '+919876543210'],
    ['0151 23456789', 'DE', '+4915123456789'],
  ])('%s (region %s) → %s', (phone, region, e164) => {
    expect(toE164(phone, region)).toBe(e164);
  });

  it.each([
    ['not a phone', 'US'],
    ['12', 'IN'],
    ['020 7946 0958', ''],
    ['+', 'US'],
    ['', 'GB'],
  ])('%s (region %s) → null', (phone, region) => {
    expect(toE164(phone, region)).toBeNull();
  });
});
