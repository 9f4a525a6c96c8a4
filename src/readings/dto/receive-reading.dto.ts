import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { NO_CONTROL_CHARACTERS } from '../../common/text.js';
import { IsReadingTime } from './is-reading-time.validator.js';

export const MAX_SENSORS = 64;

export class SensorDto {
  @ApiProperty({ example: 'CO', pattern: '^[A-Za-z0-9_.%-]{1,32}$' })
  @IsString()
  @Matches(/^[A-Za-z0-9_.%-]{1,32}$/, {
    message: 'type must be 1–32 characters of A-Z a-z 0-9 _ . % -',
  })
  type: string;

  @ApiProperty({ example: 12.5 })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'val must be a finite number' })
  val: number;
}

/** One reading document, the same class for HTTP, MQTT and the batch endpoint. */
export class ReceiveReadingDto {
  @ApiProperty({ example: 'handheld 1', minLength: 1, maxLength: 128 })
  @IsString()
  @Length(1, 128)
  @Matches(NO_CONTROL_CHARACTERS, { message: 'id must not contain control characters' })
  id: string;

  @ApiProperty({
    oneOf: [{ type: 'number' }, { type: 'string', format: 'date-time' }],
    example: 1673049150,
    description: 'Unix seconds (fractions allowed) or an ISO-8601 string',
  })
  @IsDefined()
  @IsReadingTime()
  ts: number | string;

  @ApiPropertyOptional({ example: 90, minimum: 0, maximum: 100 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(100)
  pct?: number | null;

  @ApiProperty({ type: [SensorDto], minItems: 1, maxItems: MAX_SENSORS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SENSORS)
  // ValidateNested alone passes a nested array such as [[]] and leaves a sensor without type or val
  @IsObject({ each: true, message: 'each sensor must be an object with type and val' })
  @ValidateNested({ each: true })
  @Type(() => SensorDto)
  sensors: SensorDto[];
}
