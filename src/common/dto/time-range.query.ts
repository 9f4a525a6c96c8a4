import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsNumber, IsOptional } from 'class-validator';
import { QueryNumber } from './query-number.decorator.js';

const finite = { allowNaN: false, allowInfinity: false };

/** `from` (inclusive) and `to` (exclusive), Unix seconds, both optional. */
export class TimeRangeQuery {
  @ApiPropertyOptional({ description: 'Unix seconds, inclusive' })
  @IsOptional()
  @QueryNumber()
  @IsNumber(finite)
  from?: number;

  @ApiPropertyOptional({ description: 'Unix seconds, exclusive' })
  @IsOptional()
  @QueryNumber()
  @IsNumber(finite)
  to?: number;
}
