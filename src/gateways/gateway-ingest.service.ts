import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DevicesService } from '../devices/devices.service.js';
import { MonitorService } from '../metrics/monitor.service.js';
import { IngestEvents } from '../readings/ingest-events.js';
import { ReadingWriter } from '../readings/reading-writer.js';
import { GatewayActivityService } from './gateway-activity.service.js';
import { parseGatewayMessage } from './gateway-message.parser.js';

/**
 * One MQTT message from either broker: a reading goes through the same validation and write
 * path as HTTP; an activity signal marks the sensor active; anything else is counted and
 * logged as a warning event. Resolves once the message is stored (the broker acks then);
 * rejects only when storing failed, so the gateway sends it again.
 */
@Injectable()
export class GatewayIngestService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly writer: ReadingWriter,
    private readonly activity: GatewayActivityService,
    private readonly devices: DevicesService,
    private readonly monitor: MonitorService,
    private readonly ingest: IngestEvents,
  ) {}

  async handle(topic: string, payload: Buffer): Promise<void> {
    const message = parseGatewayMessage(topic, payload, this.config.mqttTopicPrefix);
    switch (message.kind) {
      case 'ignored':
        return;
      case 'invalid':
        this.ingest.rejected('mqtt');
        this.monitor.logEvent(
          'warning',
          `MQTT message on ${topic.slice(0, 200)} dropped: ${message.reason}`,
          {
            topic: topic.slice(0, 200),
            errors: message.errors?.slice(0, 10),
          },
        );
        return;
      case 'reading': {
        // the committed reading registers its device (DevicesService listens to the writer)
        await this.writer.write([message.reading], { source: 'mqtt', gateway: message.gateway });
        await this.activity.touch(message.gateway, message.reading.id);
        return;
      }
      case 'activity':
        this.monitor.recordIngest('mqtt', true);
        this.devices.seen(message.sensorId, {
          kind: 'sensor',
          channel: 'mqtt',
          gateway: message.gateway,
        });
        await this.activity.touch(message.gateway, message.sensorId);
        return;
    }
  }
}
