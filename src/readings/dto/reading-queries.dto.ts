import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import {
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  Min,
} from 'class-validator';
import { TimeRangeQuery } from '../../common/dto/time-range.query.js';
import { MAX_POINTS } from '../series.js';
import { CountParam } from '../../common/dto/count-param.decorator.js';
import { QueryNumber } from '../../common/dto/query-number.decorator.js';

const finite = { allowNaN: false, allowInfinity: false };

/**
 * The filter as handlers take it: an interface, so the global ValidationPipe, which validates
 * classes only, leaves a parameter of this type to its own pipe (DeviceFilterPipe).
 */
export interface DeviceFilter {
  id?: string;
}

export class DeviceFilterQuery implements DeviceFilter {
  @ApiPropertyOptional({ description: 'device id' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  id?: string;
}

export class FromTimestampQuery extends DeviceFilterQuery {
  @ApiProperty({ description: 'Unix seconds: readings with ts >= system_time' })
  @QueryNumber()
  @IsNumber(finite)
  system_time: number;

  @CountParam(10000, 50000)
  limit = 10000;

  @ApiPropertyOptional({ description: 'from the Link header: continue after this reading id' })
  @IsOptional()
  @QueryNumber()
  @IsInt()
  @Min(0)
  after?: number;
}

export class ReadingFilterQuery extends TimeRangeQuery {
  @ApiPropertyOptional({ description: 'device id' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  id?: string;

  @ApiPropertyOptional({ description: 'only readings holding this sensor type' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.%-]{1,32}$/, {
    message: 'type must be 1–32 characters of A-Z a-z 0-9 _ . % -',
  })
  type?: string;
}

export class ReadingsPageQuery extends ReadingFilterQuery {
  @CountParam(100, 1000)
  limit = 100;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  cursor?: string;
}

export class ReadingsCsvQuery extends ReadingFilterQuery {
  @CountParam(100000, 1000000, 'readings at most')
  limit = 100000;
}

/**
 * `from` defaults to an hour before `to`, `to` to now. Buckets of an hour or more (and every
 * bucket of a range reaching back past RETENTION_DAYS) are whole UTC hours from the roll-ups:
 * the answer's `from`, `to` and `bucketSeconds` then give the hour-aligned range it covers.
 */
export class SeriesQuery extends TimeRangeQuery {
  @ApiProperty({ description: 'device id' })
  @IsString()
  @Length(1, 128)
  id: string;

  @ApiProperty({ description: 'sensor type' })
  @Matches(/^[A-Za-z0-9_.%-]{1,32}$/, {
    message: 'type must be 1–32 characters of A-Z a-z 0-9 _ . % -',
  })
  type: string;

  @CountParam(
    300,
    MAX_POINTS,
    'buckets at most; an hour or longer each, they are whole UTC hours read from the hourly roll-ups',
  )
  points = 300;
}
