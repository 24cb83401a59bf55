import type { GeneratorModel } from '@ecom/config';
import type { GenerateParams } from '@ecom/contracts';
import { customerRecord } from './customers';
import { DefectPlan } from './defects';
import { datasetModel, type DatasetModel } from './model';
import type { GeneratedEntity } from './part-plan';
import { productRecord } from './products';
import type { RecordRandom } from './random';
import { baseWorld, type OrderWorld } from './transactions';

/** Records [first, first + count) of one entity. */
export interface RecordRange {
  first: number;
  count: number;
}

/**
 * What a batch of generated files holds: the record ranges each entity's parts cover, and the
 * rows of each record. A base data set writes every record; a daily delta scans every customer
 * and product but writes only the new and changed ones (a row returns undefined otherwise).
 */
export interface DatasetSource {
  readonly model: DatasetModel;
  readonly world: OrderWorld;
  readonly ranges: Record<GeneratedEntity, RecordRange>;
  /** Defects to inject (`--defects RATE`); base data sets only. */
  readonly defects?: DefectPlan;
  customerRow(index: number, random: RecordRandom, lookup: RecordRandom): string[] | undefined;
  productRow(index: number, random: RecordRandom, lookup: RecordRandom): string[] | undefined;
}

/** The whole data set of a generate run: every customer, product and transaction. */
export function baseSource(model: DatasetModel, defectRate = 0): DatasetSource {
  const { customers, products, transactions } = model.params;
  return {
    model,
    world: baseWorld(model),
    ranges: {
      customers: { first: 0, count: customers },
      products: { first: 0, count: products },
      transactions: { first: 0, count: transactions },
    },
    // The rate comes from the caller, not model.params: models are shared across parameter sets
    // that differ only in the defect rate.
    defects: defectRate > 0 ? new DefectPlan(model.params.seed, defectRate) : undefined,
    customerRow: (index, random) => customerRecord(model, index, random),
    productRow: (index, random) => productRecord(model, index, random),
  };
}

/** The base data set of `params` under the shop model `shop`. */
export function generatedSource(params: GenerateParams, shop: GeneratorModel): DatasetSource {
  return baseSource(datasetModel(params, shop), params.defects ?? 0);
}
