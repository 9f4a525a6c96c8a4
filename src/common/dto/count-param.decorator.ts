import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { QueryNumber } from './query-number.decorator.js';

/** An optional whole-number query parameter from 1 to `max` (a `limit`, `points`). */
export function CountParam(
  defaultValue: number,
  max: number,
  description?: string,
): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ default: defaultValue, maximum: max, description }),
    IsOptional(),
    QueryNumber(),
    IsInt(),
    Min(1),
    Max(max),
  );
}
