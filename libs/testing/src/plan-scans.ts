import type { Queryable } from '@ecom/db';

interface PlanNode {
  'Relation Name'?: string;
  'Actual Loops': number;
  'Actual Rows': number;
  Plans?: PlanNode[];
}

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

/**
 * The relations `text` read when it ran, from its EXPLAIN (ANALYZE, FORMAT JSON) through `db`: one
 * entry per scan node that ran at least once, in plan order, with how often it ran and the rows it
 * returned in all. Specs use it to show which branch of a statement executed (a sum that agreed, or
 * the comparison after it), or that a table was probed rather than read whole.
 */
export async function scannedRelations(
  db: Queryable,
  text: string,
  params: unknown[],
): Promise<Array<{ relation: string; loops: number; rows: number }>> {
  const { rows } = await db.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, params);
  return nodesOf(rows[0]['QUERY PLAN'][0].Plan)
    .filter((node) => node['Relation Name'] !== undefined && node['Actual Loops'] > 0)
    // EXPLAIN gives the rows of one loop (averaged, rounded): in all, about that times the loops.
    .map((node) => ({ relation: node['Relation Name'] as string, loops: node['Actual Loops'], rows: node['Actual Rows'] * node['Actual Loops'] }));
}
