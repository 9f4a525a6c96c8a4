import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import mqtt, { type MqttClient } from 'mqtt';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MonitorService } from '../metrics/monitor.service.js';
import { GatewayIngestService } from './gateway-ingest.service.js';

/**
 * A client of the external broker at MQTT_URL: subscribes to `{prefix}/+` with QoS 1 (as
 * `$share/{group}/…` with MQTT_SHARED_GROUP, so instances split the load) and acknowledges a
 * message only after it is stored. It reconnects by itself; the `mqtt` component follows.
 */
@Injectable()
export class ExternalBrokerClient implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ExternalBrokerClient.name);
  private client?: MqttClient;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ingest: GatewayIngestService,
    private readonly monitor: MonitorService,
  ) {}

  get topicFilter(): string {
    const topics = `${this.config.mqttTopicPrefix}/+`;
    return this.config.mqttSharedGroup ? `$share/${this.config.mqttSharedGroup}/${topics}` : topics;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.mqttUrl) {
      return;
    }
    const url = new URL(this.config.mqttUrl);
    const where = `${url.protocol}//${url.host}`;
    const client = mqtt.connect(this.config.mqttUrl, {
      clientId: `sitewatch-${randomBytes(6).toString('hex')}`,
      reconnectPeriod: 1000,
      connectTimeout: 5000,
    });
    // mqtt.js sends the PUBACK of a QoS 1 message when `callback` is called: after it is stored.
    client.handleMessage = (packet, callback) => {
      this.ingest.handle(packet.topic, Buffer.from(packet.payload)).then(
        () => callback(),
        (error: unknown) => {
          this.logger.error(
            `Message on ${packet.topic} not stored, the broker will send it again: ${String(error)}`,
          );
          // Leaving it unacknowledged: close so the broker redelivers it to a healthy subscriber.
          client.end(true, {}, () => client.reconnect());
        },
      );
    };
    client.on('connect', () => {
      client.subscribe(this.topicFilter, { qos: 1 }, (error) => {
        if (error) {
          this.monitor.updateComponent(
            'mqtt',
            'error',
            `subscribe ${this.topicFilter}: ${error.message}`,
          );
          return;
        }
        this.logger.log(`subscribed to ${this.topicFilter} on ${where}`);
        this.monitor.updateComponent('mqtt', 'online', `${where} ${this.topicFilter}`);
      });
    });
    client.on('close', () =>
      this.monitor.updateComponent('mqtt', 'offline', `${where}: connection lost, reconnecting`),
    );
    client.on('error', (error) => {
      this.logger.warn(`MQTT ${where}: ${error.message}`);
      this.monitor.updateComponent('mqtt', 'error', `${where}: ${error.message}`);
    });
    this.client = client;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client?.endAsync();
  }
}
