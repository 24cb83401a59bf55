/**
 * A mapped run's control totals (docs/mappings.md "Control totals"): the source's own figures as
 * the converter counted them, and the warehouse's, reconciled to the cent. Amounts are decimal
 * text, exact (a source's Σ quantity × unit price keeps its third decimal).
 */

export type SourceLineStatus = 'sold' | 'cancelled' | 'adjusted' | 'void';

export interface SourceStatusTotals {
  lines: number;
  orders: number;
  /** Σ quantity × unit price over the lines. */
  amount: string;
}

/** What the converter writes to mapping/control-totals.json and ops.mapping_runs. */
export interface MappingControlTotals {
  mapping: string;
  sourceFiles: Array<{ file: string; lines: number }>;
  /** Lines read (records after each header; blank lines are not records). */
  lines: number;
  /** Lines whose quantity or price could not be read: in no status and no amount. */
  unreadable: number;
  byStatus: Record<SourceLineStatus, SourceStatusTotals>;
  total: SourceStatusTotals;
  converted: {
    customers: number;
    products: number;
    orders: number;
    lines: number;
    /** Σ line_total, each rounded to the cent as the contract says. */
    lineTotal: string;
    /** Σ quantity × unit price − Σ line_total over the converted lines. */
    rounding: string;
  };
  /**
   * The cancelled and adjusted lines in mapping/returns.csv, which the warehouse loads into
   * fact_returns: their Σ line_total (each rounded to the cent, signed as the source signs them)
   * and what rounding took off their exact amount.
   */
  returned?: Record<'cancelled' | 'adjusted', { lines: number; lineTotal: string; rounding: string }>;
  /** Lines the mapping set aside, by reason and status. */
  rejected: Array<{ reason: string; status: SourceLineStatus | 'unreadable'; lines: number; amount: string }>;
}

export interface ReturnsReconciliation {
  status: 'cancelled' | 'adjusted';
  lines: number;
  /** The source's Σ quantity × unit price of these lines (negative for a credit note). */
  source: string;
  setAsideByMapping: { lines: number; amount: string };
  roundingToCents: string;
  /** fact_returns rows of the run's staged returns. */
  warehouse: { lines: number; amount: string };
  difference: string;
}

export interface MappedRunReport {
  mapping: string;
  source: MappingControlTotals;
  /**
   * The warehouse's side: fact_sales rows of the order lines this run staged (gross), fact_returns
   * rows of its cancelled and adjusted lines (signed as the source signs them), and net = gross + returns.
   */
  warehouse: {
    lines: number;
    orders: number;
    gross: string;
    returns: Record<'cancelled' | 'adjusted', { lines: number; amount: string }>;
    net: string;
  };
  /**
   * sold (source) = set aside by the mapping + rounding to the cent + rejected in the pipeline
   * (its order lines quarantined by ingest or transform: see the rejects) + warehouse gross;
   * each returned status likewise against fact_returns. `difference` is what none of them
   * explains; `balanced` when every difference is 0.
   */
  reconciliation: {
    sold: string;
    setAsideByMapping: { lines: number; amount: string };
    roundingToCents: string;
    rejectedInPipeline: { lines: number; orders: number; amount: string };
    warehouseGross: string;
    difference: string;
    returns: ReturnsReconciliation[];
    /** Void lines (orders that never became a sale): in the rejects (reason void), loaded nowhere by design. */
    notLoaded: Array<{ status: 'void'; lines: number; amount: string }>;
    balanced: boolean;
  };
}
