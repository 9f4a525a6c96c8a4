import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNumber, IsOptional } from 'class-validator';

const finite = { allowNaN: false, allowInfinity: false };

/** `from` (inclusive) and `to` (exclusive), Unix seconds, both optional. */
export class TimeRangeQuery {
  @ApiPropertyOptional({ description: 'Unix seconds, inclusive' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber(finite)
  from?: number;

  @ApiPropertyOptional({ description: 'Unix seconds, exclusive' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber(finite)
  to?: number;
}
