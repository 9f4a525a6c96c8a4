import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsNumber, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { QueryNumber } from '../common/dto/query-number.decorator.js';

export class ExposureQuery {
  @ApiPropertyOptional({ description: 'device id; every device when absent' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  id?: string;

  @ApiPropertyOptional({ description: 'Unix seconds; default now' })
  @IsOptional()
  @QueryNumber()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(946684800)
  @Max(4102444800)
  at?: number;
}
