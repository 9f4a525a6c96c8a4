import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { CountParam } from '../../common/dto/count-param.decorator.js';
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

  @CountParam(20, 500)
  limit = 20;
}
