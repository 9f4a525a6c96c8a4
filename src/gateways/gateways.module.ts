import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module.js';
import { DevicesModule } from '../devices/devices.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { ReadingsModule } from '../readings/readings.module.js';
import { EmbeddedBroker } from './embedded-broker.js';
import { ExternalBrokerClient } from './external-broker.client.js';
import { GatewayActivityService } from './gateway-activity.service.js';
import { GatewayIngestService } from './gateway-ingest.service.js';
import { GatewaysController } from './gateways.controller.js';

@Module({
  imports: [ReadingsModule, MetricsModule, AlertsModule, DevicesModule],
  controllers: [GatewaysController],
  providers: [GatewayIngestService, GatewayActivityService, EmbeddedBroker, ExternalBrokerClient],
})
export class GatewaysModule {}
