import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';

const finite = { allowNaN: false, allowInfinity: false };

export class ActivityQuery {
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

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit = 100;
}

export class ActivityTextQuery extends ActivityQuery {
  @ApiPropertyOptional({ default: 100000, maximum: 1000000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000000)
  override limit = 100000;
}
