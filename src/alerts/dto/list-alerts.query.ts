import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import type { AlertSeverity, AlertState } from '../alert.entity.js';

export class ListAlertsQuery {
  @ApiPropertyOptional({ enum: ['active', 'acknowledged', 'resolved'] })
  @IsOptional()
  @IsIn(['active', 'acknowledged', 'resolved'])
  state?: AlertState;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 64)
  rule?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  subject?: string;

  @ApiPropertyOptional({ enum: ['error', 'warning', 'info'] })
  @IsOptional()
  @IsIn(['error', 'warning', 'info'])
  severity?: AlertSeverity;

  @ApiPropertyOptional({ default: 20, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit = 20;
}
