import { costCents, formatCents } from './money';
import { productId, type DatasetModel, type ProductCore } from './model';
import type { RecordRandom } from './random';

const SUPPLIERS_PER_PRODUCT = 1 / 20;

/**
 * One products.csv row, in ENTITY_SPECS column order. `changed` is the product's category and
 * price after changes (daily deltas); cost keeps the product's own share of the new price.
 */
export function productRecord(model: DatasetModel, index: number, random: RecordRandom, changed?: ProductCore): string[] {
  random.reseed(model.keys.products, index);
  // Category and price come first: the model replays these draws to price order lines.
  const drawn = model.drawProductCore(random);
  const core = changed ?? drawn;
  const { productAdjectives, productMaterials, brands } = model.pools;
  // Brand and name stay those the product was made with, whatever it is filed under later.
  const brand = random.pick(brands[drawn.categoryIndex]);
  const adjective = random.pick(productAdjectives);
  const material = random.below(3) === 0 ? `${random.pick(productMaterials)} ` : '';
  const noun = random.pick(drawn.subCategory.nouns);
  const cost = costCents(core.priceCents, random.between(4000, 8500));
  // A few products are out of stock; the rest hold up to a thousand units.
  const stock = random.below(20) === 0 ? 0 : random.between(1, 1000);
  const suppliers = Math.max(5, Math.ceil(model.params.products * SUPPLIERS_PER_PRODUCT));
  const supplier = `SUP${String(random.below(suppliers) + 1).padStart(4, '0')}`;
  return [
    productId(index),
    `${brand} ${adjective} ${material}${noun}`,
    core.category.name,
    core.subCategory.name,
    formatCents(core.priceCents),
    formatCents(cost),
    brand,
    String(stock),
    supplier,
  ];
}
