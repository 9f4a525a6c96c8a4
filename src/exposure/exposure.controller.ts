import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ExposureQuery } from './exposure.query.js';
import { ExposureService } from './exposure.service.js';

@ApiTags('exposure')
@Controller('api/exposure')
export class ExposureController {
  constructor(private readonly exposure: ExposureService) {}

  @Get()
  @ApiOperation({
    summary: 'TWA 8 h, STEL 15 min, stelMax and peak since local midnight, per device and gas',
  })
  list(@Query() query: ExposureQuery) {
    return this.exposure.list(query.id, query.at);
  }
}
