import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { GatewayActivity } from './activity-tracker.js';
import { GatewayActivityService } from './gateway-activity.service.js';

@ApiTags('gateways')
@Controller('api/gateways')
export class GatewaysController {
  constructor(private readonly activity: GatewayActivityService) {}

  @Get()
  @ApiOperation({ summary: 'Each gateway with its sensors, last activity and state' })
  list(): Promise<GatewayActivity[]> {
    return this.activity.list();
  }
}
