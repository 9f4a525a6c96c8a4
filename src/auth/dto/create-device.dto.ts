import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { NO_CONTROL_CHARACTERS } from '../../common/text.js';
import type { DeviceKind } from '../../devices/device.entity.js';
import { DEVICE_KINDS } from '../token-store.js';

/** A device to register and issue a token for (`POST /api/devices`). */
export class CreateDeviceDto {
  @ApiProperty({ example: 'entry-north', minLength: 1, maxLength: 128 })
  @IsString()
  @Length(1, 128)
  @Matches(NO_CONTROL_CHARACTERS, { message: 'id must not contain control characters' })
  id: string;

  @ApiPropertyOptional({ enum: DEVICE_KINDS, default: 'handheld' })
  @IsOptional()
  @IsIn(DEVICE_KINDS)
  kind?: DeviceKind;

  @ApiPropertyOptional({
    description: 'the N of topic {prefix}/N; required for a gateway',
    example: 7,
  })
  @ValidateIf((dto: CreateDeviceDto) => dto.kind === 'gateway' || dto.gateway !== undefined)
  @IsInt({ message: 'gateway must be a whole number (required for kind gateway)' })
  @Min(0)
  @Max(999999999)
  gateway?: number;

  @ApiPropertyOptional({ description: 'silent this long is offline, with an alert', example: 120 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(7 * 86400)
  heartbeatSeconds?: number;
}
