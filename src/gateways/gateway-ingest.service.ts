import { Inject, Injectable } from '@nestjs/common';
import type { DeviceCredential } from '../auth/device-credentials.js';
import { DeviceTokensService } from '../auth/device-tokens.service.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DevicesService } from '../devices/devices.service.js';
import { MonitorService } from '../metrics/monitor.service.js';
import { IngestEvents } from '../readings/ingest-events.js';
import { ReadingWriter } from '../readings/reading-writer.js';
import { GatewayActivityService } from './gateway-activity.service.js';
import { gatewayOf, type GatewayMessage, parseGatewayMessage } from './gateway-message.parser.js';

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
    private readonly tokens: DeviceTokensService,
  ) {}

  /** `device`: the publisher's credential in token mode (embedded broker); its rights are checked. */
  async handle(topic: string, payload: Buffer, device?: DeviceCredential): Promise<void> {
    const message = parseGatewayMessage(topic, payload, this.config.mqttTopicPrefix);
    if (device) {
      this.authorize(device, topic, message);
    }
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

  /**
   * A gateway publishes only to its own `{prefix}/{N}`, and only for itself or its sensors.
   * Throwing refuses the publish: the broker closes the connection and nothing is stored.
   */
  private authorize(device: DeviceCredential, topic: string, message: GatewayMessage): void {
    const id =
      message.kind === 'reading'
        ? message.reading.id
        : message.kind === 'activity'
          ? message.sensorId
          : null;
    const allowed =
      device.kind === 'gateway' &&
      gatewayOf(topic, this.config.mqttTopicPrefix) === device.gateway &&
      (id === null || this.tokens.refusedIds(device, [id]).length === 0);
    if (!allowed) {
      this.monitor.logEvent(
        'warning',
        `MQTT publish by ${device.deviceId} to ${topic.slice(0, 200)} refused: not its topic or device`,
        {
          deviceId: device.deviceId,
          topic: topic.slice(0, 200),
        },
      );
      this.ingest.rejected('mqtt');
      throw new Error(`${device.deviceId} may not publish to ${topic.slice(0, 200)}`);
    }
  }
}
