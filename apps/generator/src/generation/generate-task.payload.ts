import { IsIn, IsInt, IsString, Matches, Min } from 'class-validator';
import { GeneratePartPayload } from '@ecom/contracts';
import { GENERATED_ENTITIES, type GeneratedEntity, type GeneratePart } from './part-plan';

/**
 * A 'part' job of the generate queue: the contract's GeneratePartPayload plus the slice of
 * records the part covers, fixed at planning so a later change of partSize cannot shift it.
 */
export class GenerateTaskPayload extends GeneratePartPayload implements GeneratePart {
  @IsIn(GENERATED_ENTITIES)
  declare entity: GeneratedEntity;

  @IsInt()
  @Min(1)
  parts!: number;

  @IsInt()
  @Min(0)
  first!: number;

  @IsInt()
  @Min(1)
  count!: number;

  @IsString()
  @Matches(/^(customers|products|transactions)-\d{4,}$/)
  taskKey!: string;
}
