import type { MappedRunReport, MappingControlTotals, SourceLineStatus } from '@ecom/contracts';

export interface MappingRunRow {
  mapping: string;
  control_totals: MappingControlTotals;
}

export interface WarehouseTotalsRow {
  rejected_lines: string;
  rejected_orders: string;
  rejected_total: string;
  fact_lines: string;
  fact_orders: string;
  fact_total: string;
}

const SCALE = 6;

/** Exact decimal text → integer millionths (amounts here have at most 3 decimals). */
function micro(text: string): bigint {
  const [whole, fraction = ''] = text.replace(/^-/, '').split('.');
  const value = BigInt(whole || '0') * 10n ** BigInt(SCALE) + BigInt((fraction + '0'.repeat(SCALE)).slice(0, SCALE));
  return text.startsWith('-') ? -value : value;
}

function decimal(value: bigint): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const unit = 10n ** BigInt(SCALE);
  let fraction = (abs % unit).toString().padStart(SCALE, '0').replace(/0+$/, '');
  if (fraction.length < 2) fraction = fraction.padEnd(2, '0');
  return `${negative ? '-' : ''}${abs / unit}.${fraction}`;
}

/**
 * Source beside warehouse: every sold line of the source is in the warehouse, set aside by the
 * mapping, rejected in the pipeline, or a fraction of a cent lost to rounding; the difference is
 * what none of these explains.
 */
export function mappedRunReport(row: MappingRunRow, warehouse: WarehouseTotalsRow): MappedRunReport {
  const source = row.control_totals;
  const setAside = source.rejected.filter((r) => r.status === 'sold');
  const setAsideLines = setAside.reduce((n, r) => n + r.lines, 0);
  const setAsideAmount = setAside.reduce((sum, r) => sum + micro(r.amount), 0n);
  const rejectedAmount = micro(warehouse.rejected_total);
  const gross = micro(warehouse.fact_total);
  const difference = micro(source.byStatus.sold.amount) - setAsideAmount - micro(source.converted.rounding) - rejectedAmount - gross;
  return {
    mapping: row.mapping,
    source,
    warehouse: { lines: Number(warehouse.fact_lines), orders: Number(warehouse.fact_orders), gross: decimal(gross) },
    reconciliation: {
      sold: source.byStatus.sold.amount,
      setAsideByMapping: { lines: setAsideLines, amount: decimal(setAsideAmount) },
      roundingToCents: source.converted.rounding,
      rejectedInPipeline: { lines: Number(warehouse.rejected_lines), orders: Number(warehouse.rejected_orders), amount: decimal(rejectedAmount) },
      warehouseGross: decimal(gross),
      difference: decimal(difference),
      balanced: difference === 0n,
      notInWarehouse: (['cancelled', 'adjusted'] as SourceLineStatus[])
        .map((status) => ({ status, lines: source.byStatus[status].lines, amount: source.byStatus[status].amount }))
        .filter((s) => s.lines > 0),
    },
  };
}
