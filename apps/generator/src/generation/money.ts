/**
 * Money is handled in integer cents: every stored amount is computed exactly, the same way
 * PostgreSQL's round(numeric, 2) would, never with binary floating point.
 */

/** "1234.05" from 123405. */
export function formatCents(cents: number): string {
  const whole = Math.floor(cents / 100);
  const rest = cents - whole * 100;
  return `${whole}.${rest < 10 ? '0' : ''}${rest}`;
}

/**
 * round(quantity × unit_price × (1 − discount/100), 2) in cents. The exact value is
 * quantity·unitCents·(100 − discount)/100 cents; amounts are positive, so half away from zero
 * is half up. The integers stay far below 2^53, so the division is exact enough to floor.
 */
export function lineTotalCents(quantity: number, unitCents: number, discountPercent: number): number {
  const hundredthsOfCents = quantity * unitCents * (100 - discountPercent);
  return Math.floor((hundredthsOfCents + 50) / 100);
}

/** Cost as a share of price in basis points, rounded half up, kept within [40%, 85%] of price. */
export function costCents(priceCents: number, shareBasisPoints: number): number {
  const rounded = Math.floor((priceCents * shareBasisPoints + 5000) / 10000);
  const lowest = Math.ceil((priceCents * 40) / 100);
  const highest = Math.floor((priceCents * 85) / 100);
  return Math.min(highest, Math.max(lowest, rounded));
}
