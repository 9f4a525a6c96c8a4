import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** An optional whole-number query parameter from 1 to `max` (a `limit`, `points`). */
export function CountParam(
  defaultValue: number,
  max: number,
  description?: string,
): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ default: defaultValue, maximum: max, description }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(max),
  );
}
