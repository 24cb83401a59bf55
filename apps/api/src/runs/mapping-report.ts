import type { MappedRunReport, MappingControlTotals, ReturnsReconciliation } from '@ecom/contracts';

export interface MappingRunRow {
  mapping: string;
  control_totals: MappingControlTotals;
  /** warehouse_totals_of_run.sql's row as the warehouse stage kept it; null before it ran. */
  warehouse_totals: WarehouseTotalsRow | null;
}

export interface ReturnsRow {
  kind: 'cancelled' | 'adjusted';
  lines: string;
  amount: string;
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
export function mappedRunReport(row: MappingRunRow, warehouse: WarehouseTotalsRow, returnRows: ReturnsRow[]): MappedRunReport {
  const source = row.control_totals;
  const setAsideOf = (status: string) => {
    const rows = source.rejected.filter((r) => r.status === status);
    return { lines: rows.reduce((n, r) => n + r.lines, 0), amount: rows.reduce((sum, r) => sum + micro(r.amount), 0n) };
  };
  const setAside = setAsideOf('sold');
  const rejectedAmount = micro(warehouse.rejected_total);
  const gross = micro(warehouse.fact_total);
  const difference = micro(source.byStatus.sold.amount) - setAside.amount - micro(source.converted.rounding) - rejectedAmount - gross;
  const returned = (kind: 'cancelled' | 'adjusted') => {
    const found = returnRows.find((r) => r.kind === kind);
    return { lines: Number(found?.lines ?? 0), amount: micro(found?.amount ?? '0') };
  };
  const returns: ReturnsReconciliation[] = (['cancelled', 'adjusted'] as const)
    .filter((status) => source.byStatus[status].lines > 0)
    .map((status) => {
      const aside = setAsideOf(status);
      const inWarehouse = returned(status);
      // Older control totals (before returns were loaded) have no `returned`: nothing was rounded.
      const rounding = micro(source.returned?.[status].rounding ?? '0');
      return {
        status,
        lines: source.byStatus[status].lines,
        source: source.byStatus[status].amount,
        setAsideByMapping: { lines: aside.lines, amount: decimal(aside.amount) },
        roundingToCents: decimal(rounding),
        warehouse: { lines: inWarehouse.lines, amount: decimal(inWarehouse.amount) },
        difference: decimal(micro(source.byStatus[status].amount) - aside.amount - rounding - inWarehouse.amount),
      };
    });
  const cancelled = returned('cancelled');
  const adjusted = returned('adjusted');
  return {
    mapping: row.mapping,
    source,
    warehouse: {
      lines: Number(warehouse.fact_lines),
      orders: Number(warehouse.fact_orders),
      gross: decimal(gross),
      returns: {
        cancelled: { lines: cancelled.lines, amount: decimal(cancelled.amount) },
        adjusted: { lines: adjusted.lines, amount: decimal(adjusted.amount) },
      },
      net: decimal(gross + cancelled.amount + adjusted.amount),
    },
    reconciliation: {
      sold: source.byStatus.sold.amount,
      setAsideByMapping: { lines: setAside.lines, amount: decimal(setAside.amount) },
      roundingToCents: source.converted.rounding,
      rejectedInPipeline: { lines: Number(warehouse.rejected_lines), orders: Number(warehouse.rejected_orders), amount: decimal(rejectedAmount) },
      warehouseGross: decimal(gross),
      difference: decimal(difference),
      returns,
      notLoaded: source.byStatus.void && source.byStatus.void.lines > 0 ? [{ status: 'void', lines: source.byStatus.void.lines, amount: source.byStatus.void.amount }] : [],
      balanced: difference === 0n && returns.every((r) => r.difference === '0.00'),
    },
  };
}
