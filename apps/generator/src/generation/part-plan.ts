import { partFileName, type Entity } from '@ecom/contracts';

/** The generator writes these; transaction_items are written by the transactions parts. */
export const GENERATED_ENTITIES = ['customers', 'products', 'transactions'] as const;
export type GeneratedEntity = (typeof GENERATED_ENTITIES)[number];

/** A slice of one entity's records: indexes [first, first + count). */
export interface GeneratePart {
  entity: GeneratedEntity;
  /** 0-based; part files are numbered from 0001. */
  part: number;
  parts: number;
  first: number;
  count: number;
}

/**
 * Splits every entity's record range into parts of `partSize` records. Part boundaries only
 * decide file names: each record's content depends on its index alone.
 */
export function planParts(ranges: Record<GeneratedEntity, { first: number; count: number }>, partSize: number): GeneratePart[] {
  return GENERATED_ENTITIES.flatMap((entity) => {
    const { first, count } = ranges[entity];
    const parts = Math.max(1, Math.ceil(count / partSize));
    return Array.from({ length: parts }, (_, part) => ({
      entity,
      part,
      parts,
      first: first + part * partSize,
      count: Math.max(0, Math.min(partSize, count - part * partSize)),
    }));
  });
}

export function partTaskKey(part: Pick<GeneratePart, 'entity' | 'part'>): string {
  return `${part.entity}-${String(part.part + 1).padStart(4, '0')}`;
}

/** The files one part writes: transactions parts write the matching transaction_items part too. */
export function partFiles(part: Pick<GeneratePart, 'entity' | 'part' | 'parts'>): Array<{ entity: Entity; name: string }> {
  const entities: Entity[] = part.entity === 'transactions' ? ['transactions', 'transaction_items'] : [part.entity];
  return entities.map((entity) => ({ entity, name: partFileName(entity, part.part, part.parts) }));
}
